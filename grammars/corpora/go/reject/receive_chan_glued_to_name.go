package p

var c <-chanint
