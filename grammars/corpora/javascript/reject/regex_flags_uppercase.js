const r = /a/G;
