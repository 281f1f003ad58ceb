const std = @import("std");

const Single = *u8;
const ConstSingle = *const u8;
const Many = [*]u8;
const ManySentinel = [*:0]const u8;
const CPtr = [*c]u8;
const Slice = []const u8;
const SentinelSlice = [:0]const u8;
const Array = [4]u8;
const ArraySentinel = [4:0]u8;
const Optional = ?*u8;
const Aligned = *align(4) const volatile u32;
const AllowZero = *allowzero u8;
const BitPtr = *align(1:3:1) u8;
const Space = *addrspace(.generic) u8;
const Nested = [2][3]?*const [8]u8;
const Frame = anyframe->u8;
const AnyFrame = anyframe;
const Vec = @Vector(4, f32);

test "pointers" {
    var buf = [_]u8{ 1, 2, 3, 4 };
    const s: Slice = buf[0..];
    const p: Single = &buf[1];
    const m: Many = &buf;
    const z: [:0]const u8 = "abc";
    const opt: ?*u8 = p;
    try std.testing.expect(opt.?.* == 2);
    try std.testing.expect(m[2] == 3 and s.len == 4 and z.len == 3);
    _ = .{ ConstSingle, ManySentinel, CPtr, SentinelSlice, Array, ArraySentinel };
    _ = .{ Optional, Aligned, AllowZero, BitPtr, Space, Nested, Frame, AnyFrame, Vec };
}
