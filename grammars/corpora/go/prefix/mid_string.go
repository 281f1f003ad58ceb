package p

var s = "hello, wor