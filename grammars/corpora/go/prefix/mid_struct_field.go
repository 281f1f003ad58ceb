package p

type T struct {
	Name string `json:"name"`
	Age  