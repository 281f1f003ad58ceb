package ifaces

type Reader interface {
	Read(p []byte) (n int, err error)
}

type ReadCloser interface {
	Reader
	io.Closer
	Close() error
}

type Ordered interface {
	~int | ~int8 | ~int16 | ~string
	String() string
}

type Empty interface{}

var _ interface{ M() } = (*T)(nil)
var anyValue any = 1
