package methods

type T struct{ n int }

func (t T) Value() int { return t.n }

func (t *T) Set(n int) { t.n = n }

func (*T) Nop() {}

func (T) Static() string { return "s" }

func divmod(a, b int) (q, r int) {
	q = a / b
	r = a % b
	return
}

func pair() (int, error) { return 0, nil }

func variadic(prefix string, args ...interface{}) {}

func unnamed(int, string, ...bool) {}

func returnsFunc() func(int) int {
	return func(x int) int { return x * 2 }
}

// implemented in assembly
func archSqrt(x float64) float64

func multiline(
	a int,
	b string,
) (
	result int,
	err error,
) {
	return
}
