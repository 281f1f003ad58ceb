let count: = 1;
