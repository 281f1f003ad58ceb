package chans

func worker(in <-chan int, out chan<- int, done chan struct{}) {
	var c chan<- chan int
	var r <-chan <-chan int
	_, _ = c, r
	for {
		select {
		case v, ok := <-in:
			if !ok {
				return
			}
			out <- v * 2
		case x := <-in:
			_ = x
		case out <- 1:
		case <-done:
			return
		default:
		}
	}
}

func spawn() {
	ch := make(chan int, 8)
	go func() {
		defer close(ch)
		ch <- 1
	}()
	defer func() {
		if r := recover(); r != nil {
		}
	}()
	v := <-ch
	_ = v
}
