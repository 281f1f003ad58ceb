		sum += v
	}
	return sum
}

func next() int { return 1 }
