            compute(a)
        } else if b > 0 {
            b
        } else {
            0
        };
    result
}
