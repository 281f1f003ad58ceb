package p

var x = f().T{}
