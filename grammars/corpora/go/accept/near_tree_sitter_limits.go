// Constructs next to the places where the grammar follows tree-sitter-go more strictly than Go
// (found by `maze grammar fuzz`): all of these parse in both.
package limits

import ("fmt")

var (
	a, b int;
	c    = make([]int, 0, 8)
)

type pair struct{ x, y int; }

func conversions(p uintptr, xs []int, m map[string][]int) {
	_ = (*[4]byte)(nil)
	_ = (<-chan int)(nil)
	_ = []byte("x")
	_ = map[string]int(nil)
	_ = interface{}(p)
	_ = make(chan struct{}, 1)
	_ = make(<-chan bool)
	_ = new(struct{ n int })
	_ = new(pair)
	_ = Keys[map[string]int, []int](m)
	_ = Keys[[]int](xs)
	_ = xs[len(xs)-1]
	_ = pair{x: 1}
	_ = fmt.Stringer(nil)
	new := 1
	new++
	_ = new / 2 // half
	x();;
}

func labels() {
	for {
		goto End
	}
End:
}

func cases(v interface{}, ch chan int) {
	switch t := v.(type) {
	case nil, *pair, []int, map[string]int, func() error, chan<- int, <-chan int:
		_ = t
	default:
	}
	select {
	case x, ok := <-ch:
		_, _ = x, ok
	case ch <- 1:
	default:
	}
	switch {
	case true:
	Done:
	}
}

func Keys[M any, S any](m M) S { var s S; return s }
func x() {}
