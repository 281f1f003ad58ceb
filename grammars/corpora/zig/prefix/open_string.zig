const std = @import("std");

const message = "hello, wor