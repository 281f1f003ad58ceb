package gen

type Number interface {
	~int | ~int64 | ~float64
}

type List[T any] struct {
	next *List[T]
	val  T
}

type Map[K comparable, V any] map[K]V

func Sum[T Number](xs []T) (total T) {
	for _, x := range xs {
		total += x
	}
	return
}

func Keys[M ~map[K]V, K comparable, V any](m M) []K {
	r := make([]K, 0, len(m))
	for k := range m {
		r = append(r, k)
	}
	return r
}

func (l *List[T]) Push(v T) *List[T] {
	return &List[T]{next: l, val: v}
}

func use() {
	_ = Sum[int]([]int{1, 2, 3})
	_ = Sum([]float64{1.5})
	var m Map[string, int]
	_ = Keys[Map[string, int], string, int](m)
	f := Sum[int64]
	_ = f
}
