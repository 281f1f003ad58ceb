package p

var r = '\x4