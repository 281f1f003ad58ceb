class AppError(Exception):
    pass


def risky(path):
    try:
        handle = open(path)
    except FileNotFoundError:
        return None
    except (PermissionError, IsADirectoryError) as exc:
        raise AppError("cannot open") from exc
    except Exception as exc:
        raise
    else:
        data = handle.read()
    finally:
        print("done")
    return data


def cleanup_only():
    try:
        return 1
    finally:
        pass


def bare():
    try:
        pass
    except:
        pass


def groups():
    try:
        raise ExceptionGroup("many", [ValueError(1), TypeError(2)])
    except* ValueError as eg:
        print(eg.exceptions)
    except* TypeError:
        pass


def reraise():
    raise AppError
    raise AppError("x") from None


assert isinstance(risky, object), "risky must exist"
assert True
