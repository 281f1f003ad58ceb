package lits

type Point struct{ X, Y int }

var points = []Point{
	{1, 2},
	{X: 3, Y: 4},
	{},
}

var grid = [][]int{{1, 2}, {3, 4}}

var arr = [...]string{"a", "b", 5: "f"}

var m = map[string][]Point{
	"origin": {{0, 0}},
	"unit": {
		{1, 0},
		{0, 1},
	},
}

var ptrs = []*Point{{1, 1}, &Point{2, 2}}

var keyed = map[Point]string{{1, 2}: "a"}

func f() *Point {
	p := Point{
		X: 1,
		Y: 2,
	}
	q := &Point{}
	_ = q
	return &p
}
