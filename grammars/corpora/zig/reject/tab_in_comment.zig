const a = 1; //	x
const b = 2;
