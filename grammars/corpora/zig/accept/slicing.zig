const std = @import("std");

test "slices and unwrapping" {
    var buf: [16]u8 = undefined;
    @memset(&buf, 0);
    const all = buf[0..];
    const head = buf[0..4];
    const tail = all[4..];
    const n: usize = 8;
    const mid = buf[2..n];
    const terminated = buf[0..n :0];
    const open_sentinel = buf[0.. :0];
    const sub = all[1..][0..2];
    const ptr: *[16]u8 = &buf;
    ptr.*[0] = 1;
    var opt: ?*u8 = &buf[0];
    opt.?.* += 1;
    opt = null;
    const start = 2;
    const computed = buf[start + 1 .. n - 1];
    const lo = buf[0x1..0x4];
    try std.testing.expect(head.len == 4 and tail.len == 12 and mid.len == 6);
    _ = .{ terminated, open_sentinel, sub, computed, lo };
}
