//! Byte offset → line/column, computed only for offsets that need it.

use super::finding::Position;

/// Line starts of a buffer, for front-ends that convert many offsets (the language server keeps
/// one per open document). The scanner itself uses [`positions_of`], which stops early.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(bytes: &[u8]) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        LineIndex { starts }
    }

    /// 1-based line and 1-based byte column of `offset`.
    pub fn position(&self, offset: usize) -> Position {
        let line = self.starts.partition_point(|&s| s <= offset);
        Position {
            line,
            column: offset - self.starts[line - 1] + 1,
        }
    }

    /// Byte offset where the 1-based `line` starts, if the buffer has that line.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

/// Positions of sorted `offsets`, counting newlines once up to the last one.
pub(crate) fn positions_of(bytes: &[u8], offsets: &[usize]) -> Vec<Position> {
    debug_assert!(offsets.windows(2).all(|w| w[0] <= w[1]));
    let mut out = Vec::with_capacity(offsets.len());
    let (mut line, mut line_start, mut cursor) = (1usize, 0usize, 0usize);
    for &off in offsets {
        let off = off.min(bytes.len());
        for nl in memchr::memchr_iter(b'\n', &bytes[cursor..off]) {
            line += 1;
            line_start = cursor + nl + 1;
        }
        cursor = off;
        out.push(Position {
            line,
            column: off - line_start + 1,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_and_incremental_agree() {
        let text = b"a\nbc\r\n\nlast";
        let idx = LineIndex::new(text);
        let offsets: Vec<usize> = (0..=text.len()).collect();
        let inc = positions_of(text, &offsets);
        for (o, p) in offsets.iter().zip(inc) {
            assert_eq!(idx.position(*o), p, "offset {o}");
        }
        assert_eq!(idx.position(2), Position { line: 2, column: 1 });
        assert_eq!(idx.position(7), Position { line: 4, column: 1 });
    }
}
