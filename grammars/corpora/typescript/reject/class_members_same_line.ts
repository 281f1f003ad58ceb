class A {
  x: number y: string
}
