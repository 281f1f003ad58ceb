interface {
  a: string;
}
