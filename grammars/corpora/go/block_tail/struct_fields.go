	Name    string `json:"name"`
	Age     int
	Embedded
}

type Other interface {
	Read(p []byte) (int, error)
}
