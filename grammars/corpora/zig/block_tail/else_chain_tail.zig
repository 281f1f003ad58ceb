        foo();
    } else if (y) |value| {
        bar(value);
    } else {
        baz();
    }
}
