export constx = 1;
