//! Every op-code enum maps each ABI code to the variant with that discriminant, and the
//! first code past the last variant to `None` (the exports then return 0).

use tensorlane_kernels::testing::binary::{ArithOp, CmpOp};
use tensorlane_kernels::testing::copy::Kind;
use tensorlane_kernels::testing::reduce::ReduceOp;
use tensorlane_kernels::testing::scan::ScanOp;
use tensorlane_kernels::testing::select::ScatterMode;
use tensorlane_kernels::testing::unary::UnaryOp;

/// Checks codes `0..count` round-trip and `count` and `u32::MAX` are unknown.
fn check<T: Copy + std::fmt::Debug>(
    count: u32,
    from_code: fn(u32) -> Option<T>,
    code: fn(T) -> u32,
) {
    for c in 0..count {
        let v = from_code(c).unwrap_or_else(|| panic!("code {c} unknown"));
        assert_eq!(code(v), c, "{v:?}");
    }
    assert!(from_code(count).is_none());
    assert!(from_code(u32::MAX).is_none());
}

#[test]
fn op_codes_round_trip() {
    check(7, ArithOp::from_code, |v| v as u32);
    check(6, CmpOp::from_code, |v| v as u32);
    check(24, UnaryOp::from_code, |v| v as u32);
    check(2, ScanOp::from_code, |v| v as u32);
    check(2, ScatterMode::from_code, |v| v as u32);
    check(8, ReduceOp::from_code, |v| v as u32);
    check(4, Kind::from_code, |v| v as u32);
    assert_eq!(ArithOp::from_code(4), Some(ArithOp::Pow));
    assert_eq!(UnaryOp::from_code(15), Some(UnaryOp::Clamp));
    assert_eq!(Kind::from_code(3), Some(Kind::Bool));
}
