let x: unique number;
