class A implementsB {
}
