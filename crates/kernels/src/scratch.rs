//! Per-thread scratch buffers that live across kernel calls. Each pool thread has its own
//! (real TLS in the threaded builds), so tasks never share one, and a small op does not pay
//! for an allocation and a zero fill every time.

use core::cell::RefCell;
use std::thread::LocalKey;

/// One thread-local, growable float buffer.
pub type ScratchKey = LocalKey<RefCell<Vec<f32>>>;

/// Runs `f` with `key`'s buffer grown to at least `len` floats (contents unspecified).
pub fn with_scratch<R>(key: &'static ScratchKey, len: usize, f: impl FnOnce(&mut [f32]) -> R) -> R {
    key.with(|s| match s.try_borrow_mut() {
        Ok(mut buf) => {
            if buf.len() < len {
                buf.resize(len, 0.0);
            }
            f(&mut buf[..len])
        }
        // Re-entered on this thread: fall back to a private buffer.
        Err(_) => f(&mut vec![0.0; len]),
    })
}
