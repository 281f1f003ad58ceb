type P = *constu8;
