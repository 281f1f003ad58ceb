const n = 1.toString();
