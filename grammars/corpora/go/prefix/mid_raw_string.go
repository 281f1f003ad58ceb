package p

var s = `raw
string that spans
lines