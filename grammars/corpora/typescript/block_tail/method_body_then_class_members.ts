    const user = await this.repo.find(id)
    if (!user) {
      throw new NotFoundError(id)
    }
    return user
  }

  async remove(id: string): Promise<void> {
    await this.repo.delete(id)
  }
}

export default UserService
