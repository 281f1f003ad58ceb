def run()
    pass
