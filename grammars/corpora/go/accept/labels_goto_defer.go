package labels

func search(grid [][]int, target int) (row, col int) {
	row, col = -1, -1
Loop:
	for i, r := range grid {
		for j, v := range r {
			switch {
			case v == target:
				row, col = i, j
				break Loop
			case v < 0:
				continue Loop
			}
		}
	}
	if row < 0 {
		goto notFound
	}
	return
notFound:
	defer println("not found")
	return -1, -1
}

func emptyLabel() {
L:
}
