let x: keyof;
