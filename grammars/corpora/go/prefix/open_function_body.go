package p

func f() {
	if x > 0 {
		return
	}
