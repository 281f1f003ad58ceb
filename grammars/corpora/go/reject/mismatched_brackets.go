package p

func f(a []int) int {
	return a[1)
}
