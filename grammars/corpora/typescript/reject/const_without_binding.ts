const value = obj!.items[0]!;
const = value;
