package p

func f() {
	x := (1 + 2
	y := 3
}
