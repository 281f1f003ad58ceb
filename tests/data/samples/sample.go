package main

import (
	"fmt"
	"strings"
)

func shout(words []string) string {
	joined := strings.Join(words, " ")
	return ‸
}

func main() {
	fmt.Println(shout([]string{"hello", "world"}))
}
