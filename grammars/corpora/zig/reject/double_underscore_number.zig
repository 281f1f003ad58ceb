const big = 1__000;
