package lit

var ints = []int{0, 7, 1_000_000, 0644, 0_644, 0o755, 0O17, 0xC0FFEE, 0XDEAD_BEEF, 0x_12_ab_cd, 0b1101, 0B_1_0}

var floats = []float64{0., 31.25, 017.5, 3.5, 2.e+1, 9.81e-3, 1E9, .5, .5E+3, 1_0., 0.25e+0_1,
	0x1p-3, 0x4.p2, 0x1.8p+1, 0X.4p-0, 0X_FFP-4}

var imags = []complex128{0i, 012i, 0o17i, 0xffi, 1.i, 3.5i, 2.e+1i, 9.81e-3i, 1E9i, .5i, .5E+3i, 0x1p-3i}

var runes = []rune{'z', 'é', 'ж', '\t', '\000', '\012', '\177', '\x41', '\xFE', '\u00e9', '\U0001F600', '\'', '\\',
	'\a', '\b', '\f', '\n', '\r', '\v'}

var strs = []string{
	`plain`,
	`\t stays
two backslash-t`,
	"\t",
	"\"quoted\"",
	"line\n",
	"héllo wörld",
	"\u00e9t\u00e9\U0001F600",
	"\xfe\u00FE",
	"\102\x42",
	"",
}

var raw = `first
second ` + "mixed" + `
"third"`
