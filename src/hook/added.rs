//! Which lines of a staged blob are new: a histogram line diff against the blob it replaces.
//! The whole blob is scanned (a private key is only recognisable whole); this decides which
//! findings the commit actually adds.

use gix::diff::blob::{Algorithm, Diff, InternedInput};

/// The lines a change adds, 0-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddedLines {
    /// A new file: every line is added.
    All,
    /// `true` for each line of the new blob that the diff marks as added.
    Some(Vec<bool>),
}

impl AddedLines {
    /// Lines of `new` that are not in `old`, by git's histogram algorithm.
    pub fn between(old: &[u8], new: &[u8]) -> AddedLines {
        let input = InternedInput::new(old, new);
        let diff = Diff::compute(Algorithm::Histogram, &input);
        let n = input.after.len() as u32;
        AddedLines::Some((0..n).map(|i| diff.is_added(i)).collect())
    }

    /// Lines added relative to every one of several bases (a merge's parents): a line that any
    /// parent already had is not new in the merge.
    pub fn intersect(self, other: AddedLines) -> AddedLines {
        match (self, other) {
            (AddedLines::All, x) | (x, AddedLines::All) => x,
            (AddedLines::Some(a), AddedLines::Some(b)) => {
                AddedLines::Some(a.iter().zip(&b).map(|(x, y)| *x && *y).collect())
            }
        }
    }

    /// Whether any line in `first..=last` (1-based, inclusive) is added.
    pub fn touches(&self, first: usize, last: usize) -> bool {
        match self {
            AddedLines::All => true,
            AddedLines::Some(v) => {
                let lo = first.saturating_sub(1);
                let hi = last.min(v.len());
                lo < hi && v[lo..hi].iter().any(|&a| a)
            }
        }
    }

    /// Whether the change adds no line at all (a pure deletion of lines, a mode change).
    pub fn is_empty(&self) -> bool {
        matches!(self, AddedLines::Some(v) if !v.contains(&true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_inserted_lines_are_added() {
        let a = AddedLines::between(b"one\ntwo\nthree\n", b"one\nNEW\ntwo\nthree\nEND\n");
        assert_eq!(a, AddedLines::Some(vec![false, true, false, false, true]));
        assert!(a.touches(2, 2));
        assert!(!a.touches(3, 4));
        assert!(a.touches(3, 5));
        assert!(!a.touches(9, 12), "lines past the end are not added");
    }

    #[test]
    fn crlf_lines_diff_like_lf_lines() {
        let a = AddedLines::between(b"a\r\nb\r\n", b"a\r\nsecret\r\nb\r\n");
        assert_eq!(a, AddedLines::Some(vec![false, true, false]));
    }

    #[test]
    fn removal_only_adds_nothing() {
        assert!(AddedLines::between(b"a\nb\n", b"a\n").is_empty());
        assert!(!AddedLines::All.is_empty());
    }

    #[test]
    fn merge_keeps_lines_new_to_every_parent() {
        let ours = AddedLines::Some(vec![true, true, false]);
        let theirs = AddedLines::Some(vec![false, true, true]);
        assert_eq!(
            ours.intersect(theirs),
            AddedLines::Some(vec![false, true, false])
        );
        assert_eq!(
            AddedLines::All.intersect(AddedLines::Some(vec![true, false])),
            AddedLines::Some(vec![true, false])
        );
    }
}
