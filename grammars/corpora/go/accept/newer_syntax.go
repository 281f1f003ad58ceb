package newer

// Syntax from Go 1.21+ that the grammar accepts too.

func f(xs []int) int {
	lo := min(xs[0], 3)
	hi := max(xs[1], 4, 5)
	for i := range 10 {
		lo += i
	}
	for range 3 {
		hi--
	}
	clear(xs)
	return lo + hi
}

type Set[T comparable] = map[T]struct{}

func Filter[S ~[]E, E any](s S, keep func(E) bool) S {
	out := s[:0]
	for _, v := range s {
		if keep(v) {
			out = append(out, v)
		}
	}
	return out
}
