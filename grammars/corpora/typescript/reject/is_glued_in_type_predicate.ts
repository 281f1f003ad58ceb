function f(x: unknown): x isstring {
  return true;
}
