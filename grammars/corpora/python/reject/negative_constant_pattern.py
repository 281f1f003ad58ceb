match x:
    case -None:
        pass
