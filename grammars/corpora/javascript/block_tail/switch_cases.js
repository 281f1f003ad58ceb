    case "b":
      handleB()
      break
    default:
      fallback()
  }
}
