const std = @import("std");

pub fn parse(allocator: std.mem.Allocator, 