let a = b c;
