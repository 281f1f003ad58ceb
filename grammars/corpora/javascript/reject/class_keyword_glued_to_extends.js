class A extendsB {
}
