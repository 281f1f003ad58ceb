package data

type Matrix [4][4]float64

type Table map[string]map[int][]*Matrix

const N = 8

var buf [N * 2]byte

var ptrToArr *[3]int

var fnSlice []func() error

var chOfCh chan chan<- int

func index(t Table) float64 {
	return t["a"][0][1][2][3]
}

func ptrs() {
	var p **int
	x := 5
	q := &x
	p = &q
	**p = 6
	(*ptrToArr)[0] = 1
	buf[len(buf)-1] = 'z'
}
