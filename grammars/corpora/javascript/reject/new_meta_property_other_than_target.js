function f() {
  return new.foo;
}
