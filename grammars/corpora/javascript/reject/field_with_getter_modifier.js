class A {
  get x;
}
