package p

func f() {
	var range = 1
}
