if ready:
    start()
  stop()
