	case 1, 2:
		x++
		fallthrough
	case 3:
	default:
		return
	}
}
