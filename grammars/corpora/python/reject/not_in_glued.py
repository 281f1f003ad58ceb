x = a not inside
