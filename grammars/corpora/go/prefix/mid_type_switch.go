package p

func f(v interface{}) {
	switch x := v.(type) {
	case int:
		_ = x
	case 