match x:
    case a asb:
        pass
