const inside = 1;
const r = a insideOut;
