package expr

func ops(a, b int, p *int, f float64, ok bool) {
	x := a + b*2 - a/b%3<<1>>2&7 | 1 ^ 2 &^ 3
	y := a < b || a == b && !ok || a != b
	z := -a + +b - ^a
	w := *p + a
	q := &x
	r := <-make(chan int)
	ok = a <= b && b >= a && a > 0 && b < 9
	x += 1
	x -= 1
	x *= 2
	x /= 2
	x %= 3
	x &= 1
	x |= 2
	x ^= 3
	x <<= 1
	x >>= 1
	x &^= 4
	x++
	y = !y
	_, _, _, _, _ = z, w, q, r, f
	long := a +
		b -
		a
	_ = long
}
