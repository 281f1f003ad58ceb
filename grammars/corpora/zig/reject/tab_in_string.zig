const msg = "a	b";
