        x += 1;
    }
    return x;
}

fn next() void {}
