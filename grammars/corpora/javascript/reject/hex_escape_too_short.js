const s = "\xe";
