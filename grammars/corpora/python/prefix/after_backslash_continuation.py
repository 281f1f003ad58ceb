value = first_part + \
