package p

func f() {
new:
	for {
	}
}
