package p

func main() {
	x := compute(1,
		2,
		