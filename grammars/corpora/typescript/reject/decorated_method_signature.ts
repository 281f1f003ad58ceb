class A {
  @log m(): void;
  m(): void {}
}
