package p

func f(a, b chan int) {
	select {
	case <-a, <-b:
	}
}
