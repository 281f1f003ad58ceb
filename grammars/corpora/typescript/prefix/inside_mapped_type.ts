type Mapped<T> = {
  [K in keyof T]?: 