package p

var x = make(a + b)
