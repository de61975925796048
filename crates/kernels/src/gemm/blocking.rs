//! Cache blocking parameters of the BLIS loops (see docs/ARCHITECTURE.md).
//!
//! With KC = 256 one packed B micro-panel (KC × NR floats, 8 KiB for NR = 8) stays in L1
//! while the MR-row A micro-panels stream from the MC × KC block (72 KiB) held in L2; the
//! KC × NC packed B block (1 MiB) sits in L3. Chosen by `bench/gemm.bench.mjs`.

/// Depth of one packed block: the k extent a microkernel call walks.
pub const KC: usize = 256;
/// Rows of A packed per block; a multiple of every MR we use (4 and 6).
pub const MC: usize = 72;
/// Columns of B packed per block.
pub const NC: usize = 1024;
/// At most this many rows of A: a row-major B is read in place instead of packed.
pub const SMALL_M: usize = 16;
/// At most this many floats of a row-major A (rows padded to MR): packed whole, once per
/// matrix, when B is packed too (2 MiB, this machine's L2 per core, which then holds all
/// of A for every block of B).
pub const A_PACKED_WHOLE_MAX: usize = 1 << 19;
/// Whether a row-major A may be packed whole (see `A_PACKED_WHOLE_MAX`). Not in the simd128
/// build: its separate multiply and add keep the floating-point ports busy whichever way A
/// is read, and the packed loop measured a few percent slower there; the fused
/// (relaxed) loop is limited by its issue slots instead, which the packed A frees.
pub const PACK_A_WHOLE: bool = !cfg!(all(
    target_arch = "wasm32",
    target_feature = "simd128",
    not(target_feature = "relaxed-simd")
));
