package p

func f(a, b int) {
	a, b
}
