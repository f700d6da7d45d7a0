//! `keyward scan -`: standard input as one buffer, under the same size cap as files.

use std::io;

use super::read::{read_bounded, Content};

/// Reads standard input (at most `limit` bytes are kept).
pub fn read_stdin(limit: u64) -> io::Result<Content> {
    read_bounded(io::stdin().lock(), limit, 0)
}
