if (ready) start() else stop()
