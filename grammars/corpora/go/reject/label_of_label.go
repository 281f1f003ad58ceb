package p

func f() {
A:
B:
}
