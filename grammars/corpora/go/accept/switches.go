package sw

func kind(v interface{}) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case int, int64:
		return "int"
	case []byte, map[string]int, *string:
		return "composite"
	case func() error, chan<- int, <-chan int:
		_ = x
		return "other"
	default:
		return "unknown"
	}
}

func grade(n int) (s string) {
	switch {
	case n > 90:
		s = "A"
		fallthrough
	case n > 80:
		s += "B"
	case n > 70: s = "C"
	}
	switch n := n * 2; n {
	case 1, 2, 3:
	}
	switch v := interface{}(n); v.(type) {
	}
	switch y := 1; t := interface{}(y).(type) {
	case int:
		_ = t
	}
	return
}
