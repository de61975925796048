//! Per-thread scratch buffers that live across kernel calls. Each pool thread has its own
//! (real TLS in the threaded builds), so tasks never share one, and a small op does not pay
//! for an allocation and a zero fill every time.

use core::cell::{Cell, UnsafeCell};
use std::thread::LocalKey;

/// One thread's growable float buffer and whether a call is using it.
pub struct Scratch {
    buf: UnsafeCell<Vec<f32>>,
    in_use: Cell<bool>,
}

impl Scratch {
    pub const fn new() -> Scratch {
        Scratch {
            buf: UnsafeCell::new(Vec::new()),
            in_use: Cell::new(false),
        }
    }
}

impl Default for Scratch {
    fn default() -> Scratch {
        Scratch::new()
    }
}

/// A thread-local `Scratch`.
pub type ScratchKey = LocalKey<Scratch>;

/// Marks the buffer free again when the call returns (or unwinds, in native tests).
struct Release<'a>(&'a Cell<bool>);

impl Drop for Release<'_> {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

/// Runs `f` with `key`'s buffer grown to at least `len` floats (contents unspecified).
pub fn with_scratch<R>(key: &'static ScratchKey, len: usize, f: impl FnOnce(&mut [f32]) -> R) -> R {
    key.with(|s| {
        if s.in_use.replace(true) {
            // Re-entered on this thread: fall back to a private buffer.
            return f(&mut vec![0.0; len]);
        }
        let _release = Release(&s.in_use);
        // SAFETY: `in_use` was false, so no other reference to the buffer exists on this
        // thread, and the buffer is thread-local.
        let buf = unsafe { &mut *s.buf.get() };
        if buf.len() < len {
            buf.resize(len, 0.0);
        }
        f(&mut buf[..len])
    })
}

/// Marks `key`'s buffer (on this thread) free. A wasm trap skips destructors, so a call
/// that trapped inside `with_scratch` leaves it marked in use, and every later call would
/// allocate a private buffer; `tl_recover` calls this once the trapped call is gone.
pub fn release_after_trap(key: &'static ScratchKey) {
    key.with(|s| s.in_use.set(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static KEY: Scratch = const { Scratch::new() };
    }

    fn buffer_address() -> usize {
        with_scratch(&KEY, 16, |b| b.as_ptr() as usize)
    }

    #[test]
    fn a_buffer_left_in_use_by_a_trap_is_reused_again_after_release() {
        let own = buffer_address();
        assert_eq!(buffer_address(), own, "the buffer lives across calls");
        // Re-entry gets a private buffer, and the outer one is free again afterwards.
        with_scratch(&KEY, 16, |outer| {
            let inner = with_scratch(&KEY, 16, |b| b.as_ptr() as usize);
            assert_ne!(inner, outer.as_ptr() as usize);
        });
        assert_eq!(buffer_address(), own);
        // A trap skips `Release`: the flag stays set, as here.
        KEY.with(|s| s.in_use.set(true));
        assert_ne!(
            buffer_address(),
            own,
            "marked in use: a private buffer each call"
        );
        release_after_trap(&KEY);
        assert_eq!(buffer_address(), own);
    }
}
