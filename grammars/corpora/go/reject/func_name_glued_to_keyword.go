package p

funcmain() {
}
