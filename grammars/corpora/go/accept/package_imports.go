// Package shapes shows the forms of the import declaration.
package shapes

import "fmt"

import (
	"errors"
	str "strings"
	. "math"
	_ "embed"

	// grouped after a blank line and a comment
	"os"
)

import m "math/bits"

func use() {
	fmt.Println(errors.New("x"), str.ToUpper("y"), Pi, os.Args, m.UintSize)
}
