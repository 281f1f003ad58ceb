            sum += item.value();
        }
        sum
    });
    let total = handle.join().unwrap();
    total
}
