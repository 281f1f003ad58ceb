package p

type T struct{ a int }

func f(x T) {
	if x == T{a: 1} {
	}
}
