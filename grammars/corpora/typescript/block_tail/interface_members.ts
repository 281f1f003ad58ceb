  name: string
  email?: string
  readonly createdAt: Date
  roles: Role[]
  update(patch: Partial<User>): void
}

export type UserId = User["id"]
