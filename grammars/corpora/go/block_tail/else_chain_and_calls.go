			x = 2
		} else if y {
			x = 3
		} else {
			x = 4
		}
	}()
	go func() {
	}()
}
