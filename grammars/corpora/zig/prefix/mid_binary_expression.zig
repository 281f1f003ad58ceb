const std = @import("std");

pub fn main() void {
    const total = base + offset *
