package p

func f() int {
	x := 1 +
}
