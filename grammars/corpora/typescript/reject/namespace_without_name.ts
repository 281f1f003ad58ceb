namespace { export const x = 1 }
