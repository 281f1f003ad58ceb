    data = load()
except OSError:
    data = None
finally:
    cleanup()
print(data)
