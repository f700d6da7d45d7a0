//! Documents as the editor has them, and the one place LSP positions meet byte offsets.
//!
//! LSP columns count UTF-16 code units by default, UTF-8 bytes or code points when negotiated;
//! keyward's findings are byte spans. Every conversion goes through [`Encoding`], so a line with
//! an emoji or CJK text before a secret underlines the right characters.

use tower_lsp_server::ls_types::{
    Position, PositionEncodingKind, Range, TextDocumentContentChangeEvent,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    /// UTF-8 when the client offers it (no conversion at all), else the mandatory UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(list) if list.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    fn units(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }
}

/// Byte offsets where each line starts. `\n` ends a line; a `\r` before it belongs to the
/// terminator, so CRLF documents work the same as LF ones.
#[derive(Debug, Clone)]
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Lines { starts }
    }

    /// The byte range of line `line` (0-based) without its terminator.
    fn line_bounds(&self, text: &str, line: usize) -> (usize, usize) {
        let start = self.starts[line];
        let mut end = self.starts.get(line + 1).map_or(text.len(), |&s| s - 1);
        if end > start && text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        (start, end)
    }

    /// The byte offset of an LSP position. Past the end of a line clamps to the line end, past
    /// the last line to the end of the text (as the specification asks).
    pub fn offset(&self, text: &str, pos: Position, enc: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return text.len();
        }
        let (start, end) = self.line_bounds(text, line);
        let want = pos.character as usize;
        if enc == Encoding::Utf8 {
            let mut at = (start + want).min(end);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            return at;
        }
        let mut units = 0;
        for (i, c) in text[start..end].char_indices() {
            if units >= want {
                return start + i;
            }
            units += enc.units(c);
        }
        end
    }

    /// The LSP position of a byte offset.
    pub fn position(&self, text: &str, offset: usize, enc: Encoding) -> Position {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character = match enc {
            Encoding::Utf8 => offset - start,
            _ => text[start..offset].chars().map(|c| enc.units(c)).sum(),
        };
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, text: &str, span: std::ops::Range<usize>, enc: Encoding) -> Range {
        Range::new(
            self.position(text, span.start, enc),
            self.position(text, span.end, enc),
        )
    }
}

/// Applies one `didChange` event in place: a ranged edit, or a full replacement.
pub fn apply_change(text: &mut String, change: &TextDocumentContentChangeEvent, enc: Encoding) {
    match change.range {
        None => text.clone_from(&change.text),
        Some(r) => {
            let lines = Lines::new(text);
            let start = lines.offset(text, r.start, enc);
            let end = lines.offset(text, r.end, enc).max(start);
            text.replace_range(start..end, &change.text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let text = "a😀b\n中文x";
        let l = Lines::new(text);
        // 'b' is at byte 5, UTF-16 column 3 (the emoji is two code units), UTF-8 column 5.
        assert_eq!(l.position(text, 5, Encoding::Utf16), Position::new(0, 3));
        assert_eq!(l.position(text, 5, Encoding::Utf8), Position::new(0, 5));
        assert_eq!(l.position(text, 5, Encoding::Utf32), Position::new(0, 2));
        assert_eq!(l.offset(text, Position::new(0, 3), Encoding::Utf16), 5);
        let x = text.find('x').unwrap();
        assert_eq!(l.position(text, x, Encoding::Utf16), Position::new(1, 2));
        assert_eq!(l.offset(text, Position::new(1, 2), Encoding::Utf16), x);
        assert_eq!(
            l.offset(text, Position::new(1, 99), Encoding::Utf16),
            text.len()
        );
        assert_eq!(
            l.offset(text, Position::new(9, 0), Encoding::Utf16),
            text.len()
        );
    }

    #[test]
    fn crlf_terminators_are_not_columns() {
        let text = "ab\r\ncd";
        let l = Lines::new(text);
        assert_eq!(l.offset(text, Position::new(0, 9), Encoding::Utf16), 2);
        assert_eq!(l.position(text, 4, Encoding::Utf16), Position::new(1, 0));
    }

    #[test]
    fn ranged_edits_apply_in_the_negotiated_encoding() {
        let mut t = String::from("x = \"😀\" + 'old'\n");
        let change = TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(0, 12), Position::new(0, 15))),
            range_length: None,
            text: "new".into(),
        };
        apply_change(&mut t, &change, Encoding::Utf16);
        assert_eq!(t, "x = \"😀\" + 'new'\n");
    }
}
