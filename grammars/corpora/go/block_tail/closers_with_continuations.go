			return nil
		}, func(err error) {
			log(err)
		})
	}
	return &Result{
		Name: name,
	}, nil
}
