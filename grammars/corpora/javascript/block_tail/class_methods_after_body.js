    this.items.push(item);
    this.emit("add", item);
  }

  get size() {
    return this.items.length;
  }

  static from(list) {
    return new Store(list);
  }
}

export default Store;
