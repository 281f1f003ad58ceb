class Widget {
  constructor(el) {
    this.el = el;
  }

  render() {
    const html = items.map((item) => {
      return item.label;
