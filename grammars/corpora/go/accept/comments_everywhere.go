/*
Package doc: a block comment at the top.
*/
package comments // trailing comment on the package clause

import ( // after an opening paren
	"fmt" // after a spec
	/* inline */ "os"
)

// Doc comment.
func f(a int, // after a parameter
	b int, /* block after comma */
) int { // after the brace
	x := a + /* inline operand comment */ b
	y := x /* multi
	line comment acts as a newline */
	z := []int{
		1, // one
		2, /* two */
		// a comment line between elements
		3,
	}
	fmt.Println(os.Args, y, z) // trailing
	/* statement */ return x
	// dangling comment before the brace
}

// a comment that mentions /* a block opener and // another
var v = 1 // "/*" inside a line comment
