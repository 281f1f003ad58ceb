            Some(x) if x > 0 => x,
            Some(_) => {
                log("negative");
                0
            }
            None => -1,
        }
    }
}
