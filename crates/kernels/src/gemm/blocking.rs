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
