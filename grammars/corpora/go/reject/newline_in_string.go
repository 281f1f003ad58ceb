package p

var s = "abc
def"
