package conv

type T struct{}

func (T) M(int) {}

func f(v interface{}, s []byte, a [8]int) {
	b := []byte("x")
	r := []rune(string(b))
	n := int64(len(r))
	p := (*T)(nil)
	fn := (func())(nil)
	ch := (<-chan int)(nil)
	i := interface{}(n)
	t, ok := v.(*T)
	str := v.(fmt.Stringer).String()
	m := T.M
	pm := (*T).M
	sub := s[1:3]
	sub2 := s[:2]
	sub3 := s[2:]
	all := s[:]
	full := a[1:3:5]
	full2 := a[:3:5]
	mm := make(map[string]chan []int)
	c2 := make(chan struct{}, 1)
	np := new(struct{ x int })
	_, _, _, _, _, _, _, _, _, _, _, _, _, _, _, _ = p, fn, ch, i, t, ok, str, m, pm, sub, sub2, sub3, all, full, full2, mm
	_, _ = c2, np
}
