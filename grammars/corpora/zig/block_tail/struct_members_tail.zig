    y: u32 = 0,

    pub fn init(x: u32) Point {
        return .{ .x = x };
    }
};

const origin = Point.init(0);
