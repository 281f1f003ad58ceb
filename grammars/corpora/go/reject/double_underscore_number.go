package p

var x = 1__000
