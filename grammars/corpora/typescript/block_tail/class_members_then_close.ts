  private cache = new Map<string, number>()
  protected abstract load(key: string): Promise<number>

  get size(): number {
    return this.cache.size
  }
}
