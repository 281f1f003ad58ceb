interface User {
  id: number
  name: string
  roles: Array<