obj.?prop;
