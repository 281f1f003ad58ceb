package p

func Map[K comparable, V 