fn control(values: &[i32], opt: Option<i32>) -> i32 {
    let mut total = 0;
    if values.is_empty() {
        return 0;
    } else if values.len() == 1 {
        total = values[0];
    } else {
        total = -1;
    }

    if let Some(v) = opt {
        total += v;
    }

    if let Some(v) = opt && v > 3 && let Some(first) = values.first() {
        total += v + first;
    }

    let Some(limit) = opt else {
        return total;
    };

    'outer: for (i, &v) in values.iter().enumerate() {
        let mut j = 0;
        while j < i {
            if v == j as i32 {
                continue 'outer;
            }
            if v < 0 {
                break 'outer;
            }
            j += 1;
        }
    }

    let found = loop {
        total += 1;
        if total > limit {
            break total * 2;
        }
    };

    let mut stack = vec![1, 2, 3];
    while let Some(top) = stack.pop() {
        total += top;
    }

    let labeled = 'block: {
        if total > 100 {
            break 'block 1;
        }
        2
    };

    for i in (0..10).rev().step_by(2) {
        total += i;
    }
    for _ in 0.. {
        break;
    }
    let ternary = if found > 0 { found } else { -found };
    total + labeled + ternary
}
