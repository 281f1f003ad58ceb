package multi

func call() {
	result := compute(
		1,
		2,
		3,
	)
	other := compute(1,
		2,
		3)
	chained := builder.
		WithName("x").
		WithSize(
			10,
		).
		Build()
	cond := result > 0 &&
		other > 0 ||
		chained != nil
	xs := append(
		[]int{},
		1,
	)
	ys := append(xs,
		xs...,
	)
	_ = cond
	_ = ys
}
