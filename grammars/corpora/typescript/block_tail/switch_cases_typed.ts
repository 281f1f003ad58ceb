    case Kind.A:
      return handleA(node as NodeA)
    default:
      return assertNever(node)
  }
}
