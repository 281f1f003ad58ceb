const x = f(a
  ++b);
