	ModeA Mode = iota
	ModeB
	ModeC
)

var names = map[Mode]string{
	ModeA: "a",
}
