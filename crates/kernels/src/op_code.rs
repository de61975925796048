//! `op_code_enum!` declares an enum whose variants are numbered as the C ABI passes them,
//! with `from_code` generated from the same list, so each code is written once. The
//! invocation keeps the plain form `pub enum Name {` … `Variant = N,` … `}` (one variant
//! per line): the TypeScript tests read these codes from the Rust source.

macro_rules! op_code_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($variant:ident = $code:literal,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {
            $($variant = $code,)*
        }

        impl $name {
            /// The variant numbered `code`, or `None` for a code the ABI does not define.
            pub fn from_code(code: u32) -> Option<Self> {
                match code {
                    $(x if x == Self::$variant as u32 => Some(Self::$variant),)*
                    _ => None,
                }
            }
        }
    };
}
