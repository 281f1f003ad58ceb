use std::ptr;

pub unsafe fn swap_raw<T>(a: *mut T, b: *mut T) {
    ptr::swap(a, b);
}

unsafe trait Zeroable {}
unsafe impl Zeroable for u8 {}

fn pointers() {
    let mut x = 5;
    let p = &mut x as *mut i32;
    let q: *const i32 = &x;
    let raw = &raw const x;
    let raw_mut = &raw mut x;
    unsafe {
        *p += 1;
        let v = *q;
        let w = *p.add(0);
        let s = std::slice::from_raw_parts(q, 1);
        swap_raw(p, raw_mut);
        let _ = (v, w, s, raw);
    }
    let addr = p as usize;
    let back = addr as *const u8;
    let null: *const () = ptr::null();
    let fnp = pointers as fn();
    let _ = (back, null, fnp);
    let value = unsafe { *q } + 1;
    let _ = value;
}

static mut COUNTER: u32 = 0;

fn bump() -> u32 {
    unsafe {
        COUNTER += 1;
        COUNTER
    }
}
