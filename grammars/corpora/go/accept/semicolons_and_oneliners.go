package semi

import "fmt"; import "os"

type A struct{ x int; y string }

func one() { a := 1; b := 2; fmt.Println(a, b) }

func empty() {}

func inline() int { if true { return 1 }; return 0 }

func emptyStmts() {
	;
	{
	}
	for {
		break;
	};
	_ = os.Args;
}

type I interface{ M(); N() int }

var x, y = 1, 2; var z = 3
