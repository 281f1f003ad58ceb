text = f"{}"
