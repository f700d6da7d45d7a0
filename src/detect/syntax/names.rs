//! Which names mean a credential: `DB_PASSWORD`, `apiKey`, `--auth-token` do; `NextToken`,
//! `token_url`, `public_key` and `passwordHash` do not. The vocabulary is data
//! (`rules/names.toml`, embedded by `build.rs`); this module only splits a name into words and
//! applies it.

use std::{collections::HashSet, ops::Range};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::super::builtin::{StaticNames, BUILTIN_NAMES};

/// What the value bound to a credential name is expected to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// A password: a person may have chosen it.
    Password,
    /// A key, token or secret: a machine generated it.
    Secret,
}

/// The vocabulary, as sets for word lookups.
#[derive(Debug)]
pub struct Names {
    password: HashSet<&'static str>,
    secret: HashSet<&'static str>,
    suffixes: &'static [&'static str],
    not_after: HashSet<&'static str>,
    not_before: HashSet<&'static str>,
    not_names: HashSet<&'static str>,
    credential_names: HashSet<&'static str>,
    not_password_values: HashSet<&'static str>,
    /// The credential words written in other scripts (`비밀번호`, `пароль`), found by their own
    /// pass over text that is not ASCII: in the rules' keyword automaton their bytes would
    /// grow every state's transition table, and so slow every scan.
    script_words: AhoCorasick,
}

impl Names {
    pub fn builtin() -> Names {
        Names::from_static(&BUILTIN_NAMES)
    }

    /// The built-in vocabulary, built once per process on first use.
    pub fn shared() -> &'static Names {
        static NAMES: std::sync::OnceLock<Names> = std::sync::OnceLock::new();
        NAMES.get_or_init(Names::builtin)
    }

    fn from_static(n: &StaticNames) -> Names {
        let set = |l: &[&'static str]| l.iter().copied().collect::<HashSet<_>>();
        Names {
            password: set(n.password_words),
            secret: set(n.secret_words),
            suffixes: n.compound_suffixes,
            not_after: set(n.not_after),
            not_before: set(n.not_before),
            not_names: set(n.not_names),
            credential_names: set(n.credential_names),
            not_password_values: set(n.not_password_values),
            script_words: AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .build(
                    n.password_words
                        .iter()
                        .chain(n.secret_words)
                        .filter(|w| !w.is_ascii())
                        // Cyrillic and other cased scripts: the capitalised form too.
                        .flat_map(|w| [w.to_string(), capitalised(w)]),
                )
                .expect("script words are plain literals"),
        }
    }

    /// Where a credential word in a non-Latin script occurs in `bytes` (none in ASCII text).
    pub fn script_word_hits(&self, bytes: &[u8]) -> Vec<Range<usize>> {
        if bytes.is_ascii() {
            return Vec::new();
        }
        self.script_words
            .find_iter(bytes)
            .map(|m| m.range())
            .collect()
    }

    /// The name, or its ending (`token_cache_key` ends in `cache_key`, `test_ppa_key` in
    /// `ppa_key`), is one of the names that hold no credential.
    fn is_not_name(&self, words: &[String]) -> bool {
        ends_in_one_of(&self.not_names, words)
    }

    /// The kind of credential a name announces, or `None` when it announces none.
    pub fn classify(&self, name: &[u8]) -> Option<NameKind> {
        let words = split_words(name);
        if words.is_empty() || words.len() > 8 {
            return None;
        }
        // The last credential word decides: in `secret_key` it is `key`, in `password_hash`
        // it is `password` (and `hash` after it says the value is something else). The word
        // before it may say it is something else too: `next_token`, `public_key`,
        // `self.cached_creds_key`.
        if ends_in_one_of(&self.credential_names, words.as_slice()) {
            return Some(NameKind::Secret);
        }
        let (at, kind) = words
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, w)| self.word_kind(w).map(|k| (i, k)))?;
        if words[at + 1..]
            .iter()
            .any(|w| self.not_after.contains(w.as_str()))
            || words[..at]
                .iter()
                .any(|w| self.not_before.contains(w.as_str()))
            || self.compound_negated(&words[at])
            || self.is_not_name(&words)
        {
            return None;
        }
        // A credential word that is a password word anywhere in the name makes it a password
        // (`db_password_key` is still a password).
        let password = kind == NameKind::Password
            || words[..at]
                .iter()
                .any(|w| self.word_kind(w) == Some(NameKind::Password));
        Some(if password {
            NameKind::Password
        } else {
            NameKind::Secret
        })
    }

    /// `csrftoken`, `nexttoken`: a compound whose prefix is a `not_before` word.
    fn compound_negated(&self, w: &str) -> bool {
        self.suffixes.iter().any(|s| {
            w.len() > s.len()
                && w.ends_with(*s)
                && self.not_before.contains(&w[..w.len() - s.len()])
        })
    }

    fn word_kind(&self, w: &str) -> Option<NameKind> {
        if self.password.contains(w) {
            return Some(NameKind::Password);
        }
        if w == "key" || self.secret.contains(w) {
            return Some(NameKind::Secret);
        }
        let suffix = self
            .suffixes
            .iter()
            .find(|s| w.len() > s.len() && w.ends_with(**s))?;
        Some(if self.password.contains(*suffix) {
            NameKind::Password
        } else {
            NameKind::Secret
        })
    }

    /// Does `name` say what its value is, and that it is no credential: its last word is one
    /// that turns a credential name into something else (`COMMIT_SHA`, `BUILD_DIGEST`,
    /// `REQUEST_ID`, `SERVICE_URL`), and no word of it is a credential word.
    pub fn names_something_else(&self, name: &[u8]) -> bool {
        let words = split_words(name);
        words
            .last()
            .is_some_and(|w| self.not_after.contains(w.as_str()))
            && !words.iter().any(|w| self.word_kind(w).is_some())
    }

    /// Is the name `key` alone, or a member or entry called `key` (`self.key`, `{"key": …}`)?
    /// Such a name holds a dictionary, cache or lookup key as often as a secret.
    pub fn is_bare_key(&self, name: &[u8]) -> bool {
        let last = name.rsplit(|&b| b == b'.').next().unwrap_or(name);
        let word = last
            .iter()
            .copied()
            .filter(u8::is_ascii_alphanumeric)
            .collect::<Vec<u8>>();
        word.eq_ignore_ascii_case(b"key")
    }

    /// Is `value` a word that a password field holds when it holds no password (`required`,
    /// `hidden`, `new-password`)?
    pub fn is_non_password_value(&self, value: &[u8]) -> bool {
        std::str::from_utf8(value).is_ok_and(|v| {
            self.not_password_values
                .contains(v.to_ascii_lowercase().as_str())
        })
    }
}

/// The name, words joined with `_`, or its ending is in `list` (`token_cache_key` ends in
/// `cache_key`).
fn ends_in_one_of(list: &HashSet<&'static str>, words: &[String]) -> bool {
    (0..words.len()).any(|i| list.contains(words[i..].join("_").as_str()))
}

/// `пароль` → `Пароль`.
fn capitalised(w: &str) -> String {
    let mut chars = w.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Lowercase words of a name: split at anything not a letter or digit and at camelCase humps
/// (`APIKey` → `api`, `key`); digits are dropped (`password2`, `s3Key`). A run of non-ASCII
/// text is a word of its own (`비밀번호`, `пароль`), lowercased as Unicode.
pub fn split_words(name: &[u8]) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur: Vec<u8> = Vec::new();
    let flush = |cur: &mut Vec<u8>, words: &mut Vec<String>| {
        if cur.is_empty() {
            return;
        }
        let word = std::mem::take(cur);
        words.push(if word.is_ascii() {
            String::from_utf8(word)
                .expect("ASCII is UTF-8")
                .to_ascii_lowercase()
        } else {
            String::from_utf8_lossy(&word).to_lowercase()
        });
    };
    for (i, &b) in name.iter().enumerate() {
        let ascii_letter = b.is_ascii_alphabetic();
        if !ascii_letter && b.is_ascii() {
            flush(&mut cur, &mut words);
            continue;
        }
        // Between ASCII letters and other text: `password비번` is two words.
        if cur.last().is_some_and(|&p| p.is_ascii() != b.is_ascii()) {
            flush(&mut cur, &mut words);
        }
        if b.is_ascii_uppercase() && !cur.is_empty() {
            let prev = name[i - 1];
            let next_lower = name.get(i + 1).is_some_and(u8::is_ascii_lowercase);
            // `dbPassword` splits before `P`; `APIKey` splits before the `K` of `Key`.
            if prev.is_ascii_lowercase() || (prev.is_ascii_uppercase() && next_lower) {
                flush(&mut cur, &mut words);
            }
        }
        cur.push(b);
    }
    flush(&mut cur, &mut words);
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_at_separators_and_humps() {
        assert_eq!(split_words(b"APIKey"), ["api", "key"]);
        assert_eq!(split_words(b"dbPassword2"), ["db", "password"]);
        assert_eq!(
            split_words(b"spring.datasource.password"),
            ["spring", "datasource", "password"]
        );
        assert_eq!(split_words(b"--auth-token"), ["auth", "token"]);
        assert_eq!(
            split_words("DB_Пароль.password비번".as_bytes()),
            ["db", "пароль", "password", "비번"]
        );
        assert_eq!(
            split_words("mot_de_passé".as_bytes()),
            ["mot", "de", "pass", "é"]
        );
        assert_eq!(
            split_words(b"AWS_SECRET_ACCESS_KEY"),
            ["aws", "secret", "access", "key"]
        );
    }

    #[test]
    fn a_bare_key_is_told_from_a_named_one() {
        let names = Names::builtin();
        for n in [
            "key",
            "Key",
            "self.key",
            "notification.key",
            "\"key\"",
            "$key",
        ] {
            assert!(names.is_bare_key(n.as_bytes()), "{n}");
        }
        for n in ["api_key", "secretKey", "key_id", "monkey", "self.api_key"] {
            assert!(!names.is_bare_key(n.as_bytes()), "{n}");
        }
    }

    /// The vocabulary's own examples: every listed name is (or is not) a credential name.
    #[test]
    fn vocabulary_examples_hold() {
        let names = Names::builtin();
        let wrong: Vec<&str> = BUILTIN_NAMES
            .examples
            .iter()
            .filter(|n| names.classify(n.as_bytes()).is_none())
            .copied()
            .collect();
        assert!(
            wrong.is_empty(),
            "not recognised as credential names: {wrong:?}"
        );
        let wrong: Vec<&str> = BUILTIN_NAMES
            .negative_examples
            .iter()
            .filter(|n| names.classify(n.as_bytes()).is_some())
            .copied()
            .collect();
        assert!(
            wrong.is_empty(),
            "wrongly taken for credential names: {wrong:?}"
        );
    }

    #[test]
    fn words_in_other_scripts_are_found_in_text_that_is_not_ascii() {
        let names = Names::builtin();
        let text = "DB 비밀번호: x\nПароль: y\npassword: z";
        let hits: Vec<&str> = names
            .script_word_hits(text.as_bytes())
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(hits, ["비밀번호", "Пароль"]);
        assert!(names.script_word_hits(b"password: z").is_empty());
    }

    #[test]
    fn password_words_make_a_password_name() {
        let names = Names::builtin();
        assert_eq!(names.classify(b"DB_PASSWORD"), Some(NameKind::Password));
        assert_eq!(names.classify(b"dbpassword"), Some(NameKind::Password));
        assert_eq!(names.classify(b"apiKey"), Some(NameKind::Secret));
        assert_eq!(names.classify(b"client_secret"), Some(NameKind::Secret));
    }
}
