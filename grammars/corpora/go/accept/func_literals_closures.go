package closures

import "sort"

func apply(fs ...func(int) int) func(int) int {
	return func(x int) int {
		for _, f := range fs {
			x = f(x)
		}
		return x
	}
}

func use(items []string) {
	sort.Slice(items, func(i, j int) bool {
		return items[i] < items[j]
	})
	counter := func() func() int {
		n := 0
		return func() int { n++; return n }
	}()
	_ = counter()
	func() {}()
	defer func(s string) { _ = s }("done")
	go func(a, b int) {}(1, 2)
	var h func(...string) (int, error)
	_ = h
}
