package p

var x = m[1, 2]
