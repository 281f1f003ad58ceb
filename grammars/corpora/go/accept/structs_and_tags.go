package model

import "sync"

type Base struct{ ID int }

type User struct {
	Base
	*sync.Mutex
	io.Reader `json:"-"`

	Name, Email string `json:"name"`
	Age         int    `json:"age,omitempty"`
	Tags        []string
	meta        map[string]interface{}
	callback    func(int) (bool, error)
	ch          chan<- struct{}
	recv        <-chan int
	nested      struct {
		a, b int
	}
}

var empty = struct{}{}
