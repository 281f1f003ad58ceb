pub fnmain() void {}
