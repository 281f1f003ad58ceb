type T = string |;
