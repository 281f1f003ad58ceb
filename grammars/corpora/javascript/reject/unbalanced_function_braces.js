const f = (a, b) => { return a + b;
const g = 1;
}}
