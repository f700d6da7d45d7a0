//! Is the value bound to a credential name a credential? Shared by every reader finding, so
//! `password = "…"` is judged the same in Python, YAML, an `.env` file or a JSON string.
//!
//! Three answers: generated (random-looking, a UUID or a digest-length hex string under a
//! key/token/secret name: `medium`), human (a person-chosen password under a password name:
//! `low`, opt-in), or not a credential (expressions, references, redaction markers, crypt
//! hashes, publishable keys, paths, URLs, labels).

use super::names::{NameKind, Names};
use crate::detect::filters::{is_django_key_shaped, is_hash_like, is_path_or_url, looks_random};

/// How a value that passed looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// Machine-made: reported at `medium` by `generic-secret-assignment`.
    Generated,
    /// Person-chosen: reported at `low` by `generic-password`.
    Human,
}

/// Longest value judged: anything longer is data (a certificate, an image), which other rules
/// read.
const MAX_VALUE: usize = 1024;

/// Judges the value bound to a name of `kind`; `None` when it is not a credential.
pub fn classify(kind: NameKind, value: &[u8], names: &Names) -> Option<Tier> {
    let v = value;
    if kind == NameKind::Password && is_app_password(v) {
        return Some(Tier::Generated);
    }
    // A key in Django's alphabet (the one `django-admin startproject` writes, behind its
    // `django-insecure-` marker or not) is generated, though it may open with a `%` or `(`
    // that would otherwise mark a format or an expression.
    if is_django_key_shaped(v.strip_prefix(b"django-insecure-").unwrap_or(v)) {
        return Some(Tier::Generated);
    }
    if v.len() < 4 || v.len() > MAX_VALUE || !v.iter().all(|b| (0x21..=0x7e).contains(b)) {
        // Empty, prose (spaces), control bytes, non-ASCII: not a value this reader judges.
        return None;
    }
    // `eyJ…` is base64 of a JSON object: a JWT is the JWT rule's to judge (it rejected this
    // one), anything else is encoded data such as a pagination token. A `.eyJ` segment is a
    // JWT's payload behind a header the JWT rule found broken (`badz.eyJ….sig` in a test of
    // malformed tokens): the JWT rule's too.
    if v.starts_with(b"eyJ") || v.windows(4).any(|w| w == b".eyJ") {
        return None;
    }
    // One character repeated (`aaaaaaaa`, `0000000000000000`) is filler, whatever the name.
    if distinct(v.iter().map(u8::to_ascii_lowercase)) == 1 {
        return None;
    }
    if is_redaction(v)
        || is_crypt_hash(v)
        || is_publishable(v)
        || is_expression(v)
        || is_env_assignment(v)
        || is_location(v)
        || names_itself(v)
    {
        return None;
    }
    if starts_with_date(v) {
        // `2023-01-01T08:06:00Z`: when something happened or expires, not a secret.
        return None;
    }
    let digits_only = v.iter().all(u8::is_ascii_digit);
    if digits_only {
        // A port, a count, a timestamp or a PIN: never generated-looking. Under a password
        // name, six or more digits are a (weak) password.
        return (kind == NameKind::Password && v.len() >= 6).then_some(Tier::Human);
    }
    if is_counting_hex(v) {
        // `000102…0f`, `808182…`: a test pattern, not a key.
        return None;
    }
    if is_hash_like(v) {
        // A UUID or a digest-length hex string: a key when the name says key/token/secret,
        // more likely a stored hash under a password name.
        let degenerate = distinct(v.iter().copied()) <= 4 || mostly_zeros(v);
        return match kind {
            _ if degenerate => None,
            NameKind::Secret => Some(Tier::Generated),
            NameKind::Password => Some(Tier::Human),
        };
    }
    if is_label(v) || is_encoded_text(v) || mostly_zeros(v) {
        return None;
    }
    if looks_random(v) && !is_wordy(v) {
        return Some(Tier::Generated);
    }
    // Capitals alone (`BOTH`, `USERNAME`, `NEW-ACCESS`) are a constant or an enum's value: the
    // setting's mode, not a password someone typed.
    if v.iter()
        .all(|b| b.is_ascii_uppercase() || b"-_".contains(b))
    {
        return None;
    }
    match kind {
        NameKind::Password
            if !names.is_non_password_value(v)
                && !is_identifier_like(v)
                && !is_metasyntactic(v) =>
        {
            Some(Tier::Human)
        }
        NameKind::Secret
            if v.len() >= 8 && has_digit_or_symbol(v) && !is_identifier_like(v) && !is_wordy(v) =>
        {
            Some(Tier::Human)
        }
        _ => None,
    }
}

/// `2023-01-01`, `2021-12-25T21:30:00Z`: an ISO 8601 date, with or without its time.
fn starts_with_date(v: &[u8]) -> bool {
    let digits = |r: std::ops::Range<usize>| v[r].iter().all(u8::is_ascii_digit);
    v.len() >= 10
        && digits(0..4)
        && v[4] == b'-'
        && digits(5..7)
        && v[7] == b'-'
        && digits(8..10)
        && v.get(10).is_none_or(|b| matches!(b, b'T' | b' ' | b't'))
}

/// The stand-in names of examples and tests, in English and Japanese usage.
const METASYNTACTIC: &[&str] = &[
    "foo", "bar", "baz", "qux", "quux", "corge", "grault", "garply", "waldo", "fred", "plugh",
    "xyzzy", "thud", "hoge", "fuga", "piyo", "spam", "eggs", "ham",
];

/// `foobar`, `bar@baz`, `foo-1`: every run of letters is made of stand-in names, so the value
/// is a test's placeholder (a URL-parser test's `http://foo:bar@baz@example.com`), not a
/// password someone chose.
fn is_metasyntactic(v: &[u8]) -> bool {
    fn made_of_words(run: &[u8]) -> bool {
        run.is_empty()
            || METASYNTACTIC.iter().any(|w| {
                run.len() >= w.len()
                    && run[..w.len()].eq_ignore_ascii_case(w.as_bytes())
                    && made_of_words(&run[w.len()..])
            })
    }
    let mut runs = v
        .split(|b| !b.is_ascii_alphabetic())
        .filter(|r| !r.is_empty())
        .peekable();
    runs.peek().is_some() && runs.all(made_of_words)
}

/// A Google app password: sixteen lowercase letters drawn at random, which Google shows in
/// four groups of four (`abcd efgh ijkl mnop`, pasted with or without the blanks). Letters
/// alone read as a word or an identifier elsewhere; drawn at random they carry few vowels
/// (about three in sixteen) and many distinct letters, where English runs carry five or more.
fn is_app_password(v: &[u8]) -> bool {
    let letters: Vec<u8> = match v.len() {
        16 => v.to_vec(),
        19 if [4, 9, 14].iter().all(|&i| v[i] == b' ') => {
            v.iter().copied().filter(|&b| b != b' ').collect()
        }
        _ => return false,
    };
    if letters.len() != 16 || !letters.iter().all(u8::is_ascii_lowercase) {
        return false;
    }
    let vowels = letters.iter().filter(|b| b"aeiou".contains(b)).count();
    vowels <= 4 && distinct(letters.iter().copied()) >= 10
}

/// Hex whose bytes count up by one: `000102030405…`, `808182…`.
fn is_counting_hex(v: &[u8]) -> bool {
    if v.len() < 16 || !v.len().is_multiple_of(2) || !v.iter().all(u8::is_ascii_hexdigit) {
        return false;
    }
    let Ok(bytes) = hex::decode(v) else {
        return false;
    };
    bytes.windows(2).all(|w| w[1] == w[0].wrapping_add(1))
}

/// `openapi-spec-2022-11-28-v1`, `Linux-node-v16`: three or more parts that are each a word, a
/// number or a short version tag.
fn is_label(v: &[u8]) -> bool {
    let parts: Vec<&[u8]> = v
        .split(|b| b"-_.".contains(b))
        .filter(|p| !p.is_empty())
        .collect();
    // `0001_initial`: a number and a word (a migration, a fixture name).
    let numbered_word = parts.len() == 2
        && parts
            .iter()
            .any(|p| p.len() >= 3 && p.iter().all(u8::is_ascii_digit))
        && parts.iter().any(|p| {
            p.len() >= 4
                && p.iter().all(u8::is_ascii_lowercase)
                && p.iter().any(|b| b"aeiou".contains(b))
        });
    numbered_word
        || is_header_name(v)
        || is_namespaced_name(v)
        || (parts.len() >= 3
            && parts.iter().all(|p| {
                let lower_word =
                    p[1..].iter().all(u8::is_ascii_lowercase) && p[0].is_ascii_alphabetic();
                let number = p.iter().all(u8::is_ascii_digit);
                let tag = p.len() <= 4
                    && p[0].is_ascii_alphabetic()
                    && p[1..].iter().all(u8::is_ascii_digit);
                lower_word || number || tag
            }))
}

/// `Content-MD5`, `X-Request-Id`: an HTTP header name, capitalised parts joined by `-`, at
/// least one of them a word.
fn is_header_name(v: &[u8]) -> bool {
    let parts: Vec<&[u8]> = v.split(|&b| b == b'-').collect();
    let word = |p: &[u8]| {
        p.len() >= 2 && p[0].is_ascii_uppercase() && p[1..].iter().all(u8::is_ascii_lowercase)
    };
    let tag = |p: &[u8]| {
        (1..=5).contains(&p.len())
            && p[0].is_ascii_uppercase()
            && p.iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    };
    parts.len() >= 2
        && parts.iter().all(|p| word(p) || tag(p))
        && parts.iter().any(|p| word(p) && p.len() >= 4)
}

/// `ec2:Tenancy`, `s3:GetObject`: an IAM condition key or action, a service prefix and a
/// capitalised name.
fn is_namespaced_name(v: &[u8]) -> bool {
    let Some(colon) = v.iter().position(|&b| b == b':') else {
        return false;
    };
    let (service, name) = (&v[..colon], &v[colon + 1..]);
    (2..=24).contains(&service.len())
        && service
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && name.len() >= 3
        && name[0].is_ascii_uppercase()
        && name.iter().all(u8::is_ascii_alphabetic)
        && is_wordy(name)
}

/// Base64 of text (`TGludXggdmVyc2lvbi…` is "Linux version…", `cHJpdmF0ZUtleQo=` is
/// "privateKey"): encoded prose or a label, not key material.
fn is_encoded_text(v: &[u8]) -> bool {
    let Some(plain) = crate::detect::validate::decode_base64_any(v) else {
        return false;
    };
    let printable = plain
        .iter()
        .all(|b| (0x20..=0x7e).contains(b) || b"\n\r\t".contains(b));
    printable && (plain.contains(&b' ') || is_wordy(plain.trim_ascii()))
}

/// `00000000-0000-4000-8000-000000000123`: a placeholder UUID or counter.
fn mostly_zeros(v: &[u8]) -> bool {
    v.iter().filter(|&&b| b == b'0').count() * 10 >= v.len() * 6
}

fn distinct(v: impl IntoIterator<Item = u8>) -> usize {
    let mut seen = [false; 128];
    v.into_iter()
        .filter(|&b| !std::mem::replace(&mut seen[b as usize & 127], true))
        .count()
}

/// `***`, `xxxxxxxx`, `[FILTERED]`, `<redacted>`, `••••`: a value that was removed.
fn is_redaction(v: &[u8]) -> bool {
    let lower = v.to_ascii_lowercase();
    if lower.iter().all(|b| b"*x#.-?_~".contains(b)) {
        return true;
    }
    let core: Vec<u8> = lower
        .iter()
        .copied()
        .filter(|b| !b"[]()<>{}*_-#".contains(b))
        .collect();
    matches!(
        core.as_slice(),
        b"filtered" | b"redacted" | b"masked" | b"hidden" | b"removed" | b"secret" | b"omitted"
    )
}

/// bcrypt, md5crypt, sha-crypt, argon2, scrypt, PBKDF2 and LDAP `{SSHA}` forms: a stored hash
/// (reported by its own rule), not the password.
fn is_crypt_hash(v: &[u8]) -> bool {
    const PREFIXES: &[&[u8]] = &[
        b"$2a$",
        b"$2b$",
        b"$2x$",
        b"$2y$",
        b"$1$",
        b"$5$",
        b"$6$",
        b"$apr1$",
        b"$argon2",
        b"$scrypt$",
        b"$pbkdf2",
        b"$y$",
        b"$7$",
        b"pbkdf2_sha256$",
        b"pbkdf2:sha256:",
        b"scrypt:",
        b"argon2$",
        b"bcrypt$",
        b"{ssha}",
        b"{sha}",
        b"{crypt}",
        b"{bcrypt}",
        b"{noop}",
        b"sha1$",
        b"md5$",
    ];
    let lower = v.to_ascii_lowercase();
    PREFIXES.iter().any(|p| lower.starts_with(p))
}

/// Keys and ids that are meant to be public: Stripe publishable keys, SSH public keys, Twilio
/// account SIDs.
fn is_publishable(v: &[u8]) -> bool {
    const PREFIXES: &[&[u8]] = &[
        b"pk_live_",
        b"pk_test_",
        b"ssh-rsa",
        b"ssh-ed25519",
        b"ecdsa-sha2",
    ];
    // A Twilio account SID (`AC` and 32 hex digits) names the account; its auth token is the
    // secret.
    let twilio_sid = v.len() == 34
        && v.starts_with(b"AC")
        && v[2..]
            .iter()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b));
    twilio_sid || PREFIXES.iter().any(|p| v.starts_with(p))
}

/// `DB_PASSWORD=v`, `KEYWARD_ACCURACY_SEED=N`: an environment assignment written as one value
/// (`seed: \`X_SEED=N\`` in a comment). Its own name is read where it stands, so the whole is
/// no credential. Base64 padding (`…==`) has nothing after its `=`.
fn is_env_assignment(v: &[u8]) -> bool {
    let Some(eq) = v.iter().position(|&b| b == b'=') else {
        return false;
    };
    let name = &v[..eq];
    name.len() >= 3
        && name.first().is_some_and(u8::is_ascii_uppercase)
        && name.contains(&b'_')
        && name
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
        && v.get(eq + 1).is_some_and(|&b| b != b'=')
}

/// Code, not a literal: a member access (`creds.SessionToken`), a call, an index, a YAML tag,
/// alias or block marker, a shell substitution, a boolean or null.
fn is_expression(v: &[u8]) -> bool {
    if is_symbol_soup(v) && !has_text_escape(v) {
        return false;
    }
    // `"Credential="+e.accessKeyId+"/"`: a string cut open for a concatenation, read between
    // its quotes.
    if v.len() > 2 && v[0] == b'+' && v.ends_with(b"+") {
        return true;
    }
    // A leading `|`, `>`, `{`, `[`, `(`, `$`, `%`, `=`, `<`, `:` or `,` is a block marker, a
    // substitution, a format or markup (`%s`, and `%C3%A7…` percent-encoded text, too).
    if matches!(
        v[0],
        b'|' | b'>' | b'{' | b'[' | b'(' | b'$' | b'%' | b'=' | b'<' | b':' | b','
    ) {
        return true;
    }
    // A leading `!`, `*`, `&`, `@` or `?` marks a YAML tag, alias or anchor, a decorator or an
    // optional (`!Ref`, `*defaults`) when a plain name follows; before a mixed-class run with
    // more symbols it is a generated password's first character (`!kaYPMzhHAf~n6Axewjf*QL`).
    if matches!(v[0], b'!' | b'*' | b'&' | b'@' | b'?') {
        let password_lead = is_mixed_class(v)
            && v[1..]
                .iter()
                .any(|b| !(b.is_ascii_alphanumeric() || b"_-.".contains(b)));
        if !password_lead {
            return true;
        }
    }
    // Calls, indexes, generics and templates: `NotRequired[str]`, `Option<String>`. A pair of
    // backticks is markup or a shell substitution, as is a reST role (`:attr:` + backtick)
    // cut at its closing quote; a lone backtick elsewhere is a password's symbol. Byte escapes
    // (`\x9b\xbe…`) are a test vector written out, not a pasted credential, and a line break
    // or tab escape (`some\r\nkey`) is text: tokens hold neither.
    if (v.iter().any(|b| b"()[]{}".contains(b)) && !has_unopened_closer(v))
        || (v.iter().any(|b| b"<>".contains(b)) && !has_stray_angles(v))
        || v.iter().filter(|&&b| b == b'`').count() >= 2
        || v.windows(2).any(|w| w == b":`")
        || v.ends_with(b",")
        || v.ends_with(b";")
        || has_text_escape(v)
    {
        return true;
    }
    // Code caught mid-statement, in minified or embedded source: a comparison
    // (`e.crossOrigin===`), an assignment followed by more code (`n:s.value=n;else`). Base64
    // puts `=` only at the end, and at most two.
    let body = v.trim_ascii_end();
    let unpadded = &body[..body.len() - body.iter().rev().take_while(|&&b| b == b'=').count()];
    if body.ends_with(b"===")
        || unpadded.windows(2).any(|w| w == b"==" || w == b"!=")
        || (unpadded.contains(&b'=') && v.contains(&b';'))
    {
        return true;
    }
    // `AWS::EC2::Instance`, `std::env`: a type or module path (or an IPv6 address); a
    // `__sentinel__`; `AADSTS50076:`, the label of a message.
    if v.windows(2).any(|w| w == b"::")
        || (v.len() > 4 && v.starts_with(b"__") && v.ends_with(b"__"))
        || v.ends_with(b":")
    {
        return true;
    }
    // A numeric literal (`0x5f3759df`); a longer `0x…` string is key material (an Ethereum
    // private key is `0x` and 64 hex digits).
    if v.len() <= 18 && v.starts_with(b"0x") && v[2..].iter().all(u8::is_ascii_hexdigit) {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if matches!(
        lower.as_slice(),
        b"true" | b"false" | b"null" | b"none" | b"nil" | b"undefined" | b"self" | b"this"
    ) {
        return true;
    }
    // `a.b.c` of identifiers: a property or module path.
    let member = v.contains(&b'.')
        && v.split(|&b| b == b'.').all(|part| {
            !part.is_empty()
                && !part[0].is_ascii_digit()
                && part.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
        });
    member && !v.iter().any(u8::is_ascii_digit)
}

/// One `<` or `>`, or two pointing the same way, inside a long value drawn from every class
/// (`1fH@:ZM9TB<rKrmG,sNm`, `4Gr!!IOZ<Ngl<Knvsc:?`): a password's symbols. Code compares or
/// points with them (`i<n`, `->`, `=>`, `<=`), generics and markup pair them (`Vec<u8>`), and
/// short values are too small to tell.
fn has_stray_angles(v: &[u8]) -> bool {
    let angles: Vec<u8> = v.iter().copied().filter(|b| b"<>".contains(b)).collect();
    matches!(angles.as_slice(), [_] | [b'<', b'<'] | [b'>', b'>'])
        && is_mixed_class(v)
        && !v
            .windows(2)
            .any(|w| matches!(w, b"->" | b"=>" | b"<=" | b">=" | b"<-" | b"<<" | b">>"))
}

/// One or two brackets, a closer among them that closes nothing, in a value of every class
/// (`Zxcvbnm@12345)`, `h]6EszR}vJ*m`): no call or index, which opens a bracket before it closes
/// one; a password generator does not care. A truncated call (`getValue(`) only leaves one
/// open and stays code; more brackets (`a[b[1]]]`, `Ab1]Cd2]Ef3]…`) are structure.
fn has_unopened_closer(v: &[u8]) -> bool {
    let brackets = v.iter().filter(|b| b"()[]{}".contains(b)).count();
    brackets <= 2 && is_mixed_class(v) && bracket_pairing(v) == Pairing::ClosesUnopened
}

/// How a value's brackets pair up.
#[derive(PartialEq, Eq)]
enum Pairing {
    /// Every opener is closed, in order.
    Balanced,
    /// A closer comes with no opener of its kind before it.
    ClosesUnopened,
    /// No stray closer, but an opener is still open at the end.
    LeftOpen,
}

fn bracket_pairing(v: &[u8]) -> Pairing {
    let mut open = Vec::new();
    for &b in v {
        let opener = match b {
            b'(' | b'[' | b'{' => {
                open.push(b);
                continue;
            }
            b')' => b'(',
            b']' => b'[',
            b'}' => b'{',
            _ => continue,
        };
        if open.pop() != Some(opener) {
            return Pairing::ClosesUnopened;
        }
    }
    if open.is_empty() {
        Pairing::Balanced
    } else {
        Pairing::LeftOpen
    }
}

/// Twelve or more characters with capitals, small letters and digits all present.
fn is_mixed_class(v: &[u8]) -> bool {
    v.len() >= 12
        && v.iter().any(u8::is_ascii_uppercase)
        && v.iter().any(u8::is_ascii_lowercase)
        && v.iter().any(u8::is_ascii_digit)
}

/// `\x9b`, `\u00e9`, `\n`, `\r`, `\t`: a byte or text escape written out in a literal.
fn has_text_escape(v: &[u8]) -> bool {
    v.windows(2)
        .any(|w| w[0] == b'\\' && matches!(w[1], b'x' | b'u' | b'n' | b'r' | b't'))
}

/// A generated password drawn from every printable class (`7`D'}/vYR)T;W\5]EB…`): letters of
/// both cases, digits and many distinct symbols, with brackets that do not pair up. Code, even
/// a fragment of it, opens a bracket before it closes one; a password generator does not care.
/// Django's key alphabet has no capitals (`#ogo_(*v*k014zog402@!o@6imr…`): a long value of
/// small letters, digits and symbols counts too.
fn is_symbol_soup(v: &[u8]) -> bool {
    let has_upper = v.iter().any(u8::is_ascii_uppercase);
    if v.len() < if has_upper { 16 } else { 40 }
        || !v.iter().any(u8::is_ascii_lowercase)
        || !v.iter().any(u8::is_ascii_digit)
    {
        return false;
    }
    if distinct(v.iter().copied().filter(u8::is_ascii_punctuation)) < 6 {
        return false;
    }
    if is_django_key_shaped(v) {
        return true;
    }
    bracket_pairing(v) != Pairing::Balanced
}

/// A path, URL, host name or e-mail address: where a credential is, not what it is.
fn is_location(v: &[u8]) -> bool {
    if is_path_or_url(v) || v.starts_with(b"../") {
        return true;
    }
    // An ARN names a resource (`arn:aws:kms:…:key/…`); `%2F` / `%40` are an URL-encoded path
    // or address (a SigV4 credential scope `AKID%2F20150830%2F…`); commas make a list, unless
    // the value mixes every class like a generated password (`IoCVvQ2hmsCf,jdpypYl`) or a
    // list of keys, secret either way.
    let lower = v.to_ascii_lowercase();
    // A file name (`private_rsa.pem`, `creds.json`) or a path of several segments.
    const FILE_EXTS: &[&[u8]] = &[
        b".pem", b".key", b".crt", b".cer", b".der", b".csr", b".p12", b".pfx", b".jks", b".json",
        b".txt", b".yaml", b".yml", b".toml", b".env", b".pub", b".asc", b".gpg", b".kdbx",
    ];
    let path_with_ext = v.contains(&b'/')
        && lower.rsplit(|&b| b == b'.').next().is_some_and(|ext| {
            (2..=4).contains(&ext.len()) && ext.iter().all(u8::is_ascii_lowercase)
        });
    if path_with_ext
        || FILE_EXTS
            .iter()
            .any(|e| lower.ends_with(e) && lower.len() > e.len())
        || (v.len() < 80 && v.iter().filter(|&&b| b == b'/').count() >= 3 && !is_base64_key(v))
    {
        return true;
    }
    // `%20`/`%27` are an encoded space or quote: URL-encoded prose, not a token.
    if lower.starts_with(b"arn:")
        || lower
            .windows(3)
            .any(|w| w == b"%2f" || w == b"%40" || w == b"%20" || w == b"%27")
        || (v.contains(&b',') && !is_mixed_class(v))
    {
        return true;
    }
    // `api.acme.io`, `db-1.internal.example.com`: dotted lowercase labels ending in letters.
    let dotted = v.contains(&b'.')
        && v.iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-.".contains(b))
        && v.rsplit(|&b| b == b'.').next().is_some_and(|last| {
            let tld = last.len() >= 2 && last.iter().all(u8::is_ascii_lowercase);
            // A file name's extension may carry digits: `my-movie.m2ts`, `clip.mp4`.
            let ext = (2..=4).contains(&last.len())
                && last[0].is_ascii_lowercase()
                && last.iter().filter(|b| b.is_ascii_digit()).count() == 1;
            tld || ext
        });
    dotted
}

/// Base64 key material that happens to hold several `/` (`jB3s/Qw9Lz/Xc8K+p/Tn2R…=`): one
/// long unbroken alphabet run with all three classes, segments that are not words. A path's
/// segments are words or names.
fn is_base64_key(v: &[u8]) -> bool {
    v.len() >= 24
        && v.iter()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(b))
        && v.iter().any(u8::is_ascii_uppercase)
        && v.iter().any(u8::is_ascii_lowercase)
        && v.iter().any(u8::is_ascii_digit)
        && !v
            .split(|&b| b == b'/')
            .any(|segment| segment.len() >= 3 && is_wordy(segment))
}

/// A value that spells a credential word is a label or an env-var name (`"PASSWORD"`,
/// `"api_key"`, `"DB_PASSWORD_FIELD"`, `"__TOKEN__"`), not a credential.
fn names_itself(v: &[u8]) -> bool {
    let lower = v.to_ascii_lowercase();
    // `pass.word`, `pass-word`: spelled with a separator inside, still the word.
    let letters: Vec<u8> = lower
        .iter()
        .copied()
        .filter(u8::is_ascii_alphanumeric)
        .collect();
    let has = |w: &[u8]| {
        lower.windows(w.len()).any(|x| x == w) || letters.windows(w.len()).any(|x| x == w)
    };
    // `mset_key2`, `cache-key-v1`: an identifier that names a key.
    if has(b"_key") || has(b"key_") || has(b"-key") || has(b"key-") {
        return true;
    }
    let upper_snake = v
        .iter()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
        && v.contains(&b'_');
    upper_snake
        || has(b"password")
        || has(b"passwd")
        || has(b"secret")
        || has(b"token")
        || has(b"apikey")
        || has(b"api_key")
        || has(b"api-key")
}

/// Letters only, or a camelCase/snake_case identifier without digits: `userInput`, `hunter`,
/// `login_form`. Passwords that are plain words are reported only when they carry a digit or
/// a symbol, or stand alone (checked by the caller).
/// Mixed-case letters that make no words (`yqDVtkqPECriaLRi`) are a generator's, not a name.
fn is_identifier_like(v: &[u8]) -> bool {
    if !v.iter().all(|b| b.is_ascii_alphabetic() || *b == b'_') {
        return false;
    }
    let humps = v
        .windows(2)
        .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase());
    let underscore = v.contains(&b'_');
    let generated_letters = v.len() >= 12 && humps && !underscore && !is_wordy(v);
    !generated_letters && (humps || underscore || v.len() > 12)
}

/// Mostly made of words: `keywardFingerprint/v1`, `x-amz-server-side-encryption-customer-key`.
/// Letter runs (split at case humps) of three or more letters with a vowel cover most of the value; in a random
/// token such runs are short and rare.
fn is_wordy(v: &[u8]) -> bool {
    let mut covered = 0;
    let mut i = 0;
    while i < v.len() {
        if !v[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        // A run is one optional capital followed by lowercase letters, or all capitals.
        let upper_run =
            v[start].is_ascii_uppercase() && v.get(i).is_some_and(u8::is_ascii_uppercase);
        while i < v.len()
            && v[i].is_ascii_alphabetic()
            && (if upper_run {
                v[i].is_ascii_uppercase()
            } else {
                v[i].is_ascii_lowercase()
            })
        {
            i += 1;
        }
        let run = &v[start..i];
        // Words are 3..=16 letters with a vowel and no more than four consonants in a row
        // (`strength`); a capitals-only run is a word only when short (`MD`, `AWS`): long
        // capital runs are base32. A random lowercase run (`fyupslmlcq`) has a vowel too, but
        // long consonant clusters.
        let word_len = if upper_run { 3..=4 } else { 3..=16 };
        if word_len.contains(&run.len())
            && run.iter().any(|b| b"aeiouAEIOU".contains(b))
            && longest_consonant_cluster(run) <= 4
        {
            covered += run.len();
        }
    }
    covered * 10 >= v.len() * 7
}

/// The longest run of consonants (`y` counts as a vowel here: `rhythm`, `crypto`).
fn longest_consonant_cluster(run: &[u8]) -> usize {
    run.split(|b| b"aeiouyAEIOUY".contains(b))
        .map(<[u8]>::len)
        .max()
        .unwrap_or(0)
}

fn has_digit_or_symbol(v: &[u8]) -> bool {
    v.iter().any(|b| !b.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(kind: NameKind, v: &str) -> Option<Tier> {
        classify(kind, v.as_bytes(), &Names::builtin())
    }

    #[test]
    fn generated_values_are_generated() {
        assert_eq!(
            judge(NameKind::Secret, "jtrGjEhWuWjL6x5i"),
            Some(Tier::Generated)
        );
        assert_eq!(
            judge(NameKind::Secret, "3f2504e0-4f89-11d3-9a0c-0305e82c3301"),
            Some(Tier::Generated),
            "a UUID under a key name is a key (Heroku API keys are UUIDs)"
        );
        assert_eq!(
            judge(NameKind::Secret, "9b74c9897bac770ffc029102a200c5de"),
            Some(Tier::Generated)
        );
    }

    #[test]
    fn label_checks_leave_keys_alone() {
        // Shapes near the labels above that are keys: base64 with its padding, a token with a
        // dash, an upper-case key id with a colon-free random tail.
        for v in [
            "hBT5WZEj8ZoOv6TYJsfWq7MxTEQopZO5/IT49EX/XQ8=",
            "q8Zr/Vx3Lm9T/2kWp+Qe/R7nBd4Y=",
            "Zk3q9VxLm2Rt8Wp4==",
            "Qx7-Lm2Rt8Wp4ZkVb9Tn",
            "a8Kq2-Xv9Lm3-Rt7Wp4Zn",
        ] {
            assert_eq!(judge(NameKind::Secret, v), Some(Tier::Generated), "{v}");
        }
    }

    #[test]
    fn a_lone_angle_or_a_comma_in_a_generated_password_is_a_symbol() {
        for v in [
            "1fH@:ZM9TB<rKrmG,sNm",
            "IoCVvQ2hmsCf,jdpypYl",
            "Qw8>zLp3Tk9vXr2m",
            "4Gr!!IOZ<Ngl<Knvsc:?",
        ] {
            assert!(judge(NameKind::Secret, v).is_some(), "{v}");
        }
        // Comparisons, arrows, generics, and lists of names keep their meaning.
        for v in [
            "count<maxItems2",
            "Vec<Option2Abc>",
            "self->tokenValue2X",
            "HS256,RS256,ES256",
            "read,write,admin",
            "Foo=>Bar9zzzzzzz",
            "Map<Vec<Item2Abc>>",
            "cout<<Value2Abcdef",
        ] {
            assert_eq!(judge(NameKind::Secret, v), None, "{v}");
        }
    }

    #[test]
    fn a_google_app_password_is_generated() {
        let spaced = ["vzih", "laqu", "knri", "qlht"].join(" ");
        for v in [spaced.replace(' ', ""), spaced] {
            assert_eq!(judge(NameKind::Password, &v), Some(Tier::Generated), "{v}");
        }
        // Words run together, a keyboard row, sixteen letters under a key name, the wrong length.
        for (kind, v) in [
            (NameKind::Password, "thisisasecretkey"),
            (NameKind::Password, "administratorpwd"),
            (NameKind::Password, "qwertyuiopasdfgh"),
            (NameKind::Secret, "vzihlaquknriqlht"),
            (NameKind::Password, "vzihlaquknriqlh"),
        ] {
            assert_ne!(judge(kind, v), Some(Tier::Generated), "{v}");
        }
    }

    #[test]
    fn stand_in_names_are_placeholders_not_passwords() {
        for v in ["foobar", "bar@baz", "Foo-Bar-1", "hogefuga", "spam&eggs"] {
            assert_eq!(judge(NameKind::Password, v), None, "{v}");
        }
        // A word that merely starts with one is a password someone chose.
        for v in ["barnacle9", "hampshire1", "fooled!me", "fred1968x"] {
            assert!(judge(NameKind::Password, v).is_some(), "{v}");
        }
    }

    #[test]
    fn a_closing_bracket_that_closes_nothing_is_a_password_symbol() {
        // Two that close nothing, as in AWS's IAM examples (`h]6EszR}vJ*m`), count the same.
        for v in [
            "Zxcvbnm@12345)",
            "Rt7]Kp4Wq9Lm2x",
            "Qx8vLm2}Rt9Zk",
            "]35d/{pB9Fo9wJ",
            "h]6EszR}vJ*m",
        ] {
            assert!(judge(NameKind::Password, v).is_some(), "{v}");
        }
        // Calls, indexes and truncated calls keep their meaning, as do short or one-class values.
        for v in [
            "getConfigValue2(",
            "settings[Secret1]",
            "Config.Get(Key9)",
            "end)",
            "value2)",
            "items[Index2]]",
            "Lookup(Key9)]x",
        ] {
            assert_eq!(judge(NameKind::Password, v), None, "{v}");
        }
    }

    #[test]
    fn a_generated_password_may_start_with_a_yaml_sigil() {
        for v in [
            "!kaYPMzhHAf~n6Axewjf*QL",
            "!snomxkFZh7dP!F5fNvo",
            "*Tq8vLm2#Rx9zQw3",
        ] {
            assert!(judge(NameKind::Password, v).is_some(), "{v}");
        }
        // Tags, aliases, anchors, formats and decorators stay code.
        for v in [
            "!Ref DbPassword2",
            "*defaultPassword1",
            "&anchorName",
            "%(password)s",
            "@Value1",
        ] {
            assert_eq!(judge(NameKind::Password, v), None, "{v}");
        }
    }

    #[test]
    fn django_style_keys_with_unpaired_brackets_are_values() {
        // 50 characters of Django's alphabet: small letters, digits, symbols, a lone `(`.
        // Built at run time, so keyward's own scan of this file stays clean.
        let key = ["#ogo_(*v*k014zog402", "@!o@6imr33t5d+v0mdpoou^uau14h1-"].concat();
        assert!(is_symbol_soup(key.as_bytes()));
        assert_eq!(judge(NameKind::Secret, &key), Some(Tier::Generated));
        // Short lowercase code keeps its brackets meaningful.
        assert!(!is_symbol_soup(b"a=(b+c)*d;e[f]!g%2"));
        // Brackets that happen to pair in a key of Django's alphabet change nothing; the same
        // length of code has a `.`, `,` or `;` in it.
        let paired = ["qv4bqv1#&0)(424)79ymd9vj6m*ijlm7", "gn8s=f&d5gyr#_g))t"].concat();
        assert_eq!(judge(NameKind::Secret, &paired), Some(Tier::Generated));
        assert!(!is_symbol_soup(
            b"if(a&&b){c=d(e+f)*g-h^i%j!k@l#m;}else{n=o(p)+q}"
        ));
        // `startproject`'s marked key, and a key that opens with a format's `%`.
        let marked = ["django-insecure-", &key].concat();
        assert_eq!(judge(NameKind::Secret, &marked), Some(Tier::Generated));
        let percent = ["%2@5yry)mwrb2vgm=m@50bq_k!3n", ")feuf=rex7vwocsk8hexv3"].concat();
        assert_eq!(judge(NameKind::Secret, &percent), Some(Tier::Generated));
    }

    #[test]
    fn random_lowercase_runs_are_not_words() {
        // Lowercase-and-digit tokens have vowels in their letter runs, but consonant clusters no
        // word has; words keep theirs short (`strength`, `encryption`).
        let token = [
            "9s2fyupslmlcq4efijcf8z7r7pn0r2",
            "5wfuh5vmpbrhoxkv1dgjoc8ebhmhzfxhcb",
        ]
        .concat();
        assert!(!is_wordy(token.as_bytes()));
        assert_eq!(judge(NameKind::Secret, &token), Some(Tier::Generated));
        for v in [
            "strength-of-encryption",
            "x-amz-server-side-encryption",
            "keywardFingerprint/v1",
        ] {
            assert!(is_wordy(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn mixed_case_letters_without_words_are_passwords_not_names() {
        // A generator's letters-only password has case humps but makes no words; an identifier
        // (`userPasswordInput`, `getAuthTokenValue`) does.
        assert_eq!(
            judge(NameKind::Password, "yqDVtkqPECriaLRi"),
            Some(Tier::Human)
        );
        for v in [
            "userPasswordInput",
            "getAuthTokenValue",
            "passwordConfirmationField",
        ] {
            assert_eq!(judge(NameKind::Password, v), None, "{v}");
        }
    }

    #[test]
    fn human_passwords_are_low() {
        assert_eq!(judge(NameKind::Password, "hunter2"), Some(Tier::Human));
        assert_eq!(judge(NameKind::Password, "admin"), Some(Tier::Human));
        assert_eq!(judge(NameKind::Password, "12345678"), Some(Tier::Human));
        assert_eq!(judge(NameKind::Password, "qwerty"), Some(Tier::Human));
        for filler in ["aaaaaaaa", "0000000000000000", "ZZZZzzzz"] {
            assert_eq!(judge(NameKind::Password, filler), None, "{filler}");
        }
        assert_eq!(judge(NameKind::Secret, "admin"), None, "a word is no token");
        assert_eq!(
            judge(
                NameKind::Secret,
                "x-amz-server-side-encryption-customer-key-MD5"
            ),
            None,
            "a header name is a label"
        );
        assert_ne!(
            judge(NameKind::Secret, "keywardFingerprint/v1"),
            Some(Tier::Generated),
            "words with a version are a label, not a generated key"
        );
    }

    #[test]
    fn non_credentials_are_rejected() {
        for v in [
            "creds.SessionToken",
            "options.password",
            "getPassword()",
            "***",
            "[FILTERED]",
            "$2b$12$KIXQJx0Zp3x6bqFv1N0cUe6Qf5l2m3n4o5p6q7r8s9t0u1v2w3x4y",
            "$6$rounds=5000$usesomesillystri$D4IrlXatmP7rx3P3InaxBeoomnAihCKRVQP22JZ6EY47Wc6BkroIuUUBOov1i.S5KPgErtP/EN5mcO.ChWQW21",
            "pk_live_51H8xYzK2eZvKYlo2C0123456789abcdefABCDEF",
            "https://auth.acme.io/token",
            "/etc/secrets/db",
            "api.acme.io",
            "DB_PASSWORD",
            "required",
            "new-password",
            "true",
            "3600",
            "userPasswordInput",
            "00000000-0000-0000-0000-000000000000",
            "Enter your password",
            "NotRequired[str]",
            "0x5f3759df8a2c4e61",
            "arn:aws:kms:us-east-1:000000000000:key/3f2504e0-4f89-11d3-9a0c-0305e82c3301",
            "AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request",
            "192.168.0.0/24,127.0.0.1,localhost",
            "000102030405060708090a0b0c0d0e0f",
            "mset_ex_nx_key2",
            "openapi-spec-2022-11-28-v1",
            "private_rsa_pkcs1.pem",
            "my-app/22a0-stage-150819_185942.war",
            "pass.word",
            "Pass-Word1",
            "test/20211126/us-east-2/s3/aws4_request",
            "src/Main/Java8/Foo",
            "Acme/Billing/Invoice2/v3",
            "00000000-0000-4000-8000-000000000123",
            "cHJpdmF0ZUtleQo=",
            "?InterpolationInJSX",
            "\\x9b\\xbe\\x43\\x6b\\xa9\\x40\\xf0\\x17",
            "eyJib3RvX2VuY29kZWRfa2V5cyI6IFtbImZvbyIsICJiYXIi",
            "badz.eyJhdWQiOlsidGVzdCJdLCJleHAiOjE3NTk4MjYyMTd9.sig",
            // Found on real code (benches/realcode/verdicts.tsv, all judged false):
            "my-movie.m2ts",
            "0001_initial",
            "Content-MD5",
            "ec2:Tenancy",
            "AWS::EC2::Instance",
            "__decimal128__",
            "AADSTS50076:",
            "e.crossOrigin===",
            "n:s.value=n;else",
            "value%20with%20%27quotes%27",
            "some\\r\\n\\rkey",
            "attr:`CustomUser.USERNAME_FIELD",
            "_5#y2L\"F4Q8z\\n\\xec]/",
            "BOTH",
            "USERNAME",
            "NEW-ACCESS",
            "2021-12-25T21:30:00Z",
            "2016-09-08",
            "+e.accessKeyId+",
            "+a.value+",
        ] {
            for kind in [NameKind::Password, NameKind::Secret] {
                assert_eq!(judge(kind, v), None, "{v} under {kind:?}");
            }
        }
        // An environment assignment quoted whole; base64 padding is no assignment.
        let quoted = format!("DB_PASSWORD={}", ["Xq7v", "T2mZp9"].concat());
        for v in ["KEYWARD_ACCURACY_SEED=N", quoted.as_str()] {
            assert_eq!(judge(NameKind::Secret, v), None, "{v}");
        }
        assert!(!is_env_assignment(b"QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
        assert!(!is_env_assignment(b"Xq7v=T2mZp9wQ"));
        // A Twilio account SID names an account; the same hex without `AC` may be its token.
        let hex = "0a1b2c3d4e5f6a7b".repeat(2);
        assert_eq!(judge(NameKind::Secret, &format!("AC{hex}")), None);
        assert_eq!(judge(NameKind::Secret, &hex), Some(Tier::Generated));
    }

    #[test]
    fn a_lone_backtick_is_a_symbol_and_a_pair_is_markup() {
        for v in ["`123QWERasdf", "Xq9`vLm2Rt"] {
            assert!(judge(NameKind::Password, v).is_some(), "{v}");
        }
        for v in ["`hostname`-db", "run `make` first", ":attr:`Backend.key"] {
            assert_eq!(judge(NameKind::Password, v), None, "{v}");
        }
    }

    #[test]
    fn symbol_dense_generated_passwords_are_not_code() {
        // Brackets that close before they open, from a password generator's full alphabet.
        for v in [
            "7`D'}/vYR)T;W\\5]EBrf;_&k>qX??]G&3CF=;@vyrVBp[$_hK4^?{qT/EglJe",
            "Zx9]pQ(w#4Lk!m7^Rt2&",
        ] {
            assert!(is_symbol_soup(v.as_bytes()), "{v}");
            assert_eq!(judge(NameKind::Secret, v), Some(Tier::Generated), "{v}");
        }
        // Code keeps its brackets paired, and a value with few symbols is not a generator's.
        for v in [
            "items[0].get(key)+{a:1}",
            "fn(Ab1, Cd2)[Ef3]{Gh4}",
            "Ab1]Cd2]Ef3]Gh4]Ij5]",
        ] {
            assert!(!is_symbol_soup(v.as_bytes()), "{v}");
            assert_eq!(judge(NameKind::Secret, v), None, "{v}");
        }
    }
}
