pub const MAX: usize = 1 << 10;
const NAME: &str = "name";
const EMPTY: [u8; 0] = [];
const TABLE: [(u8, &str); 2] = [(1, "one"), (2, "two")];
const _: () = assert!(MAX > 0);
static GREETING: &'static str = "hi";
static mut STATE: Option<u32> = None;
pub(crate) static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

const fn square(x: u32) -> u32 {
    x * x
}

const SQUARES: [u32; 3] = [square(1), square(2), square(3)];

struct Limits;
impl Limits {
    const LOW: i32 = -10;
    pub const HIGH: i32 = Self::LOW * -1;
}

fn inline_const() -> [Option<String>; 4] {
    let arr = [const { None }; 4];
    const LOCAL: u8 = 7;
    static LOCAL_STATIC: u8 = LOCAL + 1;
    let _ = LOCAL_STATIC;
    arr
}

fn array_len<const N: usize>() -> usize {
    N
}

fn use_it() -> usize {
    array_len::<3>() + array_len::<{ MAX / 2 }>()
}
