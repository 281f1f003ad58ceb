class A {
  [k: string];
}
