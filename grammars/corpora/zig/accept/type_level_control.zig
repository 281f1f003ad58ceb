const builtin = @import("builtin");

pub fn Int(comptime signed: bool) type {
    return if (signed) i32 else u32;
}

const Word = if (@sizeOf(usize) == 8) u64 else u32;

fn pickReturn(comptime big: bool) if (big) u64 else u8 {
    return 0;
}

const Impl = switch (builtin.os.tag) {
    .linux => struct {
        pub const name = "linux";
    },
    .windows => struct {
        pub const name = "windows";
    },
    else => struct {
        pub const name = "other";
    },
};

pub const name = Impl.name;

comptime {
    _ = pickReturn(true);
    _ = Word;
}
