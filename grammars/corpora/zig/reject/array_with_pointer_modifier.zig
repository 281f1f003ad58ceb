const Table = [4]const u8;
