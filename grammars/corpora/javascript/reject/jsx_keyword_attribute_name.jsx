const x = <label for="name">Name</label>;
