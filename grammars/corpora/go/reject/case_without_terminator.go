package p

func f(x int) {
	switch x {
	case 1: a() case 2:
	}
}
