interface A {
  a: B
  <T>(): T;
}
