package p

func f() int {
	return a +
		b *
		