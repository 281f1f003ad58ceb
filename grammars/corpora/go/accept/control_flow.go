package flow

func f(n int, ch chan int) int {
	if n < 0 {
		return -1
	} else if n == 0 {
		return 0
	} else {
		n--
	}
	for {
		break
	}
	for n > 0 {
		n -= 2
	}
	for i := 0; i < 10; i++ {
		continue
	}
	for i, j := 0, n; i < j; i, j = i+1, j-1 {
	}
	for ; ; n++ {
		if n > 100 {
			break
		}
	}
	for range ch {
	}
	for i := range 10 {
		_ = i
	}
	for k, v := range map[string]int{} {
		_, _ = k, v
	}
	var k int
	for k = range []int{} {
	}
Outer:
	for {
		for {
			if k > 3 {
				break Outer
			}
			continue Outer
		}
	}
	goto done
done:
	{
		n++
	}
	return n
}
