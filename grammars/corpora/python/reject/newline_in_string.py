name = 'abc
other = 1
