  state: State = { open: false };

  render() {
    return <Modal open={this.state.open} />;
  }
}
