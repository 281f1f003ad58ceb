get_value() = 10
