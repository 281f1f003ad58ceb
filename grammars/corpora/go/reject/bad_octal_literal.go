package p

var x = 089
