package decls

const Single = 1

const (
	KB = 1 << (10 * (iota + 1))
	MB
	GB
)

const (
	_         = iota
	A, B  int = iota, iota * 2
	C, D
)

var (
	x, y int
	z        = "zed"
	w    int = 3
	fn       = func(a int) int { return a }
)

var Ptr *int

type (
	Celsius    float64
	Fahrenheit float64
	Alias      = Celsius
	Pair       struct{ A, B int }
)

type Handler func(w Writer, r *Request) error
