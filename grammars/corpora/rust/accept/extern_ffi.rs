use std::os::raw::{c_char, c_int, c_void};

#[link(name = "m")]
extern "C" {
    fn cos(x: f64) -> f64;
    pub fn printf(fmt: *const c_char, ...) -> c_int;
    static errno: c_int;
    static mut GLOBAL: *mut c_void;
    type Opaque;
}

extern {
    fn legacy();
}

extern "system" {
    pub fn GetLastError() -> u32;
}

#[no_mangle]
pub extern "C" fn exported(x: c_int) -> c_int {
    x * 2
}

pub unsafe extern "C" fn variadic(n: usize, mut args: ...) -> usize {
    n
}

extern "rust-intrinsic" {
    fn transmute<T, U>(e: T) -> U;
}

fn call() {
    unsafe {
        let r = cos(1.0);
        printf(b"%f\n\0".as_ptr() as *const c_char, r);
        GLOBAL = std::ptr::null_mut();
    }
}
