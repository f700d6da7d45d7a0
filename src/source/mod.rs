//! Where the bytes to scan come from. Each source hands whole buffers to the caller, which runs
//! them through [`crate::Scanner`]; none of them prints or decides what a finding means.

pub mod read;
pub mod stdin;
pub mod walk;
