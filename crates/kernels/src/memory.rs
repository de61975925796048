//! Allocation for the TypeScript side. Rust's global allocator (dlmalloc on wasm32) keeps
//! free lists, so freed blocks are reused; wasm memory itself never shrinks.

use std::alloc::{alloc as sys_alloc, dealloc, Layout};

const ALIGN: usize = 16;

pub fn alloc(bytes: usize) -> *mut u8 {
    match Layout::from_size_align(bytes.max(1), ALIGN) {
        // SAFETY: the layout has non-zero size.
        Ok(layout) => unsafe { sys_alloc(layout) },
        Err(_) => std::ptr::null_mut(),
    }
}

/// # Safety
/// `ptr` must come from `alloc(bytes)` and not have been freed.
pub unsafe fn free(ptr: *mut u8, bytes: usize) {
    if ptr.is_null() {
        return;
    }
    let layout = Layout::from_size_align_unchecked(bytes.max(1), ALIGN);
    dealloc(ptr, layout)
}
