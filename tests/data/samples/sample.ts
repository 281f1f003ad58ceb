interface User {
  id: number;
  name: string;
  email?: string;
}

export function findUser(users: User[], id: number): User | undefined {
  for (const user of users) {
    if (user.id === id) {
      return ‸
    }
  }
  return undefined;
}
