package p

func f(x interface{}) {
	switch x.(type) {
	case a + b:
	}
}
