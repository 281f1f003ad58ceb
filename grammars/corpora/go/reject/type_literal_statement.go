package p

func f() {
	struct{}
}
