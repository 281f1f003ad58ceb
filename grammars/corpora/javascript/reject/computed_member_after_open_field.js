class A {
  a
  [k]() {}
}
