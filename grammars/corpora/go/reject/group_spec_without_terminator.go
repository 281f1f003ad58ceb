package p

var (x int)

func f() {}
