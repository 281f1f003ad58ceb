let list: Array<number = [];
