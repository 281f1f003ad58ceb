let x: string.length;
