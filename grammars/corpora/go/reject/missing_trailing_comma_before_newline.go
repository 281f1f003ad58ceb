package p

func f() {
	foo(a,
		b
	)
}
