package p

var r = '\"'
