//! Configuration written inside a document: a Markdown fenced code block whose info string
//! names a configuration or shell language (```` ```yaml ````, ```` ```env ````,
//! ```` ```console ````). A README's setup section is where `DB_PASSWORD=…` or `token: …` is
//! pasted unquoted; read as prose, those values would be skipped, because unquoted text in a
//! document is words, not values.
//!
//! One pass over the document's lines, done only for Markdown files that had a keyword hit.

use std::{ops::Range, path::Path};

/// Info-string languages whose blocks are configuration: unquoted `NAME=v` and `name: v` in
/// them are values.
const CONFIG_LANGUAGES: &[&str] = &[
    "yaml",
    "yml",
    "toml",
    "ini",
    "cfg",
    "conf",
    "env",
    "dotenv",
    "properties",
    "java-properties",
    "sh",
    "bash",
    "shell",
    "zsh",
    "console",
    "shell-session",
    "sh-session",
    "shellsession",
    "terminal",
    "dockerfile",
    "docker",
];

/// Is `path` a Markdown document?
pub fn is_markdown(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["md", "markdown", "mdx", "mkd"]
            .iter()
            .any(|m| e.eq_ignore_ascii_case(m))
    })
}

/// The byte ranges of the configuration blocks' contents (fence lines excluded), in order.
/// A block left open runs to the end of the document, as CommonMark reads it.
pub fn config_blocks(bytes: &[u8]) -> Vec<Range<usize>> {
    let mut blocks = Vec::new();
    // The open fence: its byte, its length, whether its block is configuration, and where
    // the block's contents start.
    let mut open: Option<(u8, usize, bool, usize)> = None;
    let mut line_start = 0;
    while line_start < bytes.len() {
        let line_end =
            memchr::memchr(b'\n', &bytes[line_start..]).map_or(bytes.len(), |i| line_start + i);
        let line = bytes[line_start..line_end].trim_ascii_start();
        let next = (line_end + 1).min(bytes.len());
        match open {
            None => {
                if let Some((fence, len)) = fence_of(line) {
                    let config = is_config_info(&line[len..]);
                    open = Some((fence, len, config, next));
                }
            }
            Some((fence, len, config, start)) => {
                let closes = fence_of(line).is_some_and(|(f, l)| {
                    f == fence && l >= len && line[l..].trim_ascii().is_empty()
                });
                if closes {
                    if config {
                        blocks.push(start..line_start);
                    }
                    open = None;
                }
            }
        }
        line_start = line_end + 1;
    }
    if let Some((_, _, true, start)) = open {
        blocks.push(start..bytes.len());
    }
    blocks
}

/// Is `at` inside one of `blocks` (sorted, as [`config_blocks`] returns them)?
pub fn within(blocks: &[Range<usize>], at: usize) -> bool {
    let i = blocks.partition_point(|b| b.end <= at);
    blocks.get(i).is_some_and(|b| b.contains(&at))
}

/// A fence opening or closing a code block: three or more backticks or tildes. Returns the
/// fence byte and length.
fn fence_of(line: &[u8]) -> Option<(u8, usize)> {
    let fence = *line.first().filter(|b| matches!(b, b'`' | b'~'))?;
    let len = line.iter().take_while(|&&b| b == fence).count();
    (len >= 3).then_some((fence, len))
}

/// Does an info string (`yaml`, `{.bash}`, `console title="setup"`) name a configuration
/// language?
fn is_config_info(info: &[u8]) -> bool {
    let info = info.trim_ascii();
    let info = info.strip_prefix(b"{").unwrap_or(info);
    let info = info.strip_prefix(b".").unwrap_or(info);
    let word_len = info
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
        .count();
    let word = &info[..word_len];
    CONFIG_LANGUAGES
        .iter()
        .any(|l| word.eq_ignore_ascii_case(l.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(doc: &str) -> Vec<&str> {
        config_blocks(doc.as_bytes())
            .into_iter()
            .map(|r| &doc[r])
            .collect()
    }

    #[test]
    fn config_and_shell_blocks_are_found() {
        let doc = "# Setup\n```yaml\ndb:\n  password: x\n```\ntext\n~~~ {.bash}\nexport A=b\n~~~\n";
        assert_eq!(blocks(doc), ["db:\n  password: x\n", "export A=b\n"]);
    }

    #[test]
    fn code_blocks_and_prose_are_not_config() {
        let doc = "```python\npassword = get()\n```\n```\nplain\n```\n    ```yaml\n";
        // The python and the untagged block are code; the indented fence opens a yaml block
        // that runs to the end.
        assert_eq!(blocks(doc), [""]);
        assert!(blocks("password: x\n").is_empty());
    }

    #[test]
    fn a_closing_fence_must_be_as_long_and_bare() {
        // ```` opens; ``` inside it is content, and ```` yaml is not a closing fence.
        let doc = "````toml\na = 1\n```\n```` yaml\nb = 2\n````\nafter\n";
        assert_eq!(blocks(doc), ["a = 1\n```\n```` yaml\nb = 2\n"]);
    }

    #[test]
    fn an_open_block_runs_to_the_end() {
        assert_eq!(blocks("```env\nTOKEN=x"), ["TOKEN=x"]);
    }

    #[test]
    fn positions_are_looked_up_in_order() {
        let doc = "a\n```ini\nk=v\n```\nb\n```sh\nx=y\n```\n";
        let b = config_blocks(doc.as_bytes());
        let at = |s: &str| doc.find(s).unwrap();
        assert!(within(&b, at("k=v")));
        assert!(within(&b, at("x=y")));
        assert!(!within(&b, at("a\n")));
        assert!(!within(&b, at("b\n")));
        assert!(!within(&b, doc.len()));
    }

    #[test]
    fn markdown_is_recognised_by_extension() {
        assert!(is_markdown(Path::new("docs/README.md")));
        assert!(is_markdown(Path::new("guide.MDX")));
        assert!(!is_markdown(Path::new("notes.txt")));
        assert!(!is_markdown(Path::new("md")));
    }
}
