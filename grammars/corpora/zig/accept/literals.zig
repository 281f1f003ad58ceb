const std = @import("std");

const dec = 1_000_000;
const hex = 0xdead_BEEF;
const oct = 0o755;
const bin = 0b1010_0101;
const zero = 0;
const float = 3.141_592;
const exp = 6.02e23;
const neg_exp = 1e-9;
const hex_float = 0x1.8p3;
const hex_float2 = 0xAp-2;
const char = 'a';
const newline = '\n';
const quote = '\'';
const hex_char = '\x7f';
const emoji = '\u{1F600}';
const utf8 = 'é';
const string = "tab\there \"quoted\" \\ \u{263A} \x41";
const empty = "";
const multi =
    \\first line
    \\  second "line" with \n no escapes
    \\
;
const bool_t = true;
const nothing = null;
const undef: u8 = undefined;

test "literals" {
    try std.testing.expect(hex == 3735928559);
    try std.testing.expect(multi.len > 0);
    _ = .{ dec, oct, bin, zero, float, exp, neg_exp, hex_float, hex_float2 };
    _ = .{ char, newline, quote, hex_char, emoji, utf8, string, empty, bool_t, nothing, undef };
}
