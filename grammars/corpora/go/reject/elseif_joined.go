package p

func f(x, y bool) {
	if x {
	} elseif y {
	}
}
