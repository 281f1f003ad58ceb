package p

var x = f(a ////
	1)
