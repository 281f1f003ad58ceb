def level1(data):
    for a in data:
        if a:
            while a:
                try:
                    with open(a) as fh:
                        for line in fh:
                            if line:
                                if line.strip():
                                    if len(line) > 3:
                                        if line[0] == "#":
                                            print(line)
                                        else:
                                            pass
                                    a = None
                except OSError:
                    a = None
    return data
