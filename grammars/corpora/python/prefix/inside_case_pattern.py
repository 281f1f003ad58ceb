match command:
    case [first, 