//! Offline checks that prove a candidate is structurally a real credential. No network, ever:
//! a failed check drops the candidate, a passed one marks the finding `validated` — except the
//! checks that can only rule a candidate out ([`Validator::confirms`]).

use base64::{
    alphabet,
    engine::{
        general_purpose::{STANDARD, URL_SAFE},
        DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig,
    },
    Engine as _,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validator {
    GithubChecksum,
    NpmChecksum,
    Jwt,
    PemPrivateKey,
    OpensshPrivateKey,
    PypiMacaroon,
    AwsKeyId,
    AgeBech32,
    Base64UserPass,
    PemNotOtherStructure,
    GrafanaApiKey,
}

impl Validator {
    pub const NAMES: [&'static str; 11] = [
        "github_checksum",
        "npm_checksum",
        "jwt",
        "pem_private_key",
        "openssh_private_key",
        "pypi_macaroon",
        "aws_key_id",
        "age_bech32",
        "base64_userpass",
        "pem_not_other_structure",
        "grafana_api_key",
    ];

    pub fn from_name(name: &str) -> Option<Validator> {
        Some(match name {
            "github_checksum" => Validator::GithubChecksum,
            "npm_checksum" => Validator::NpmChecksum,
            "jwt" => Validator::Jwt,
            "pem_private_key" => Validator::PemPrivateKey,
            "openssh_private_key" => Validator::OpensshPrivateKey,
            "pypi_macaroon" => Validator::PypiMacaroon,
            "aws_key_id" => Validator::AwsKeyId,
            "age_bech32" => Validator::AgeBech32,
            "base64_userpass" => Validator::Base64UserPass,
            "pem_not_other_structure" => Validator::PemNotOtherStructure,
            "grafana_api_key" => Validator::GrafanaApiKey,
            _ => return None,
        })
    }

    /// Whether passing the check proves the credential real (the finding is `validated`), or
    /// only that nothing proved it fake.
    pub fn confirms(self) -> bool {
        self != Validator::PemNotOtherStructure
    }

    /// True when `secret` passes the check.
    pub fn check(self, secret: &[u8]) -> bool {
        match self {
            Validator::GithubChecksum | Validator::NpmChecksum => crc32_base62_token(secret),
            Validator::Jwt => jwt(secret),
            Validator::PemPrivateKey => pem_private_key(secret),
            Validator::OpensshPrivateKey => openssh_private_key(secret),
            Validator::PypiMacaroon => pypi_macaroon(secret),
            Validator::AwsKeyId => aws_key_id(secret),
            Validator::AgeBech32 => age_bech32(secret),
            Validator::Base64UserPass => base64_userpass(secret),
            Validator::PemNotOtherStructure => pem_not_other_structure(secret),
            Validator::GrafanaApiKey => grafana_api_key(secret),
        }
    }
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `base62(crc32(body))`, left-padded with `0` to six characters.
pub fn base62_crc32(body: &[u8]) -> [u8; 6] {
    let mut n = crc32fast::hash(body);
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out
}

/// GitHub (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) and npm (`npm_`) tokens: the last six characters
/// are the base62 CRC32 of the characters between the prefix's `_` and the checksum.
fn crc32_base62_token(token: &[u8]) -> bool {
    let Some(us) = token.iter().position(|&b| b == b'_') else {
        return false;
    };
    let rest = &token[us + 1..];
    if rest.len() <= 6 {
        return false;
    }
    let (body, sum) = rest.split_at(rest.len() - 6);
    base62_crc32(body) == sum
}

/// Unpadded base64 whose last character carries stray low bits (a value cut or edited by
/// hand) still says what it says: the strict engines reject it, these do not.
const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const LENIENT_STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const LENIENT_URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// Decodes base64 in any of the common alphabets, with or without padding.
pub fn decode_base64_any(s: &[u8]) -> Option<Vec<u8>> {
    let s: Vec<u8> = s
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    for engine in [&STANDARD, &URL_SAFE] {
        if let Ok(v) = engine.decode(&s) {
            return Some(v);
        }
    }
    let trimmed: &[u8] = {
        let end = s.iter().rposition(|&b| b != b'=').map_or(0, |i| i + 1);
        &s[..end]
    };
    for engine in [&LENIENT_STANDARD, &LENIENT_URL_SAFE] {
        if let Ok(v) = engine.decode(trimmed) {
            return Some(v);
        }
    }
    None
}

fn json_object(bytes: &[u8]) -> Option<serde_json::Map<String, serde_json::Value>> {
    match serde_json::from_slice::<serde_json::Value>(bytes).ok()? {
        serde_json::Value::Object(m) => Some(m),
        _ => None,
    }
}

/// A JWS: header and payload are base64url JSON objects, and the header names an `alg`.
fn jwt(token: &[u8]) -> bool {
    let parts: Vec<&[u8]> = token.split(|&b| b == b'.').collect();
    if parts.len() != 3 || parts[0].is_empty() || parts[1].is_empty() {
        return false;
    }
    let Some(header) = decode_base64_any(parts[0]).and_then(|h| json_object(&h)) else {
        return false;
    };
    if !header.get("alg").is_some_and(|a| a.is_string()) {
        return false;
    }
    decode_base64_any(parts[1])
        .and_then(|p| json_object(&p))
        .is_some()
}

/// The base64 body of an armored block, without its BEGIN/END lines and `Key: value` headers.
fn armored_body(block: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(block);
    let mut body = Vec::new();
    for line in text.split(['\n', '\r']).map(literal_text) {
        // Keys pasted into code often keep literal `\n` (or `\r\n`) escapes.
        for piece in line.split("\\n") {
            let piece = piece.trim().trim_end_matches("\\r");
            if piece.is_empty() || piece.starts_with("-----") || piece.contains(':') {
                continue;
            }
            body.extend_from_slice(piece.as_bytes());
        }
    }
    body
}

/// A line of an armoured block without the code around it: the quotes of a string literal and
/// the operator that joins it to the next (`"MIIE…\n" +`, PHP's `.`, a leading `+ "…"`, Python's
/// implicit `'…'`), so a key split across concatenated strings reads as its base64 alone. An
/// operator counts only when a space or a quote sets it apart, as `+` is also a base64 digit.
fn literal_text(line: &str) -> &str {
    let is_edge = |c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | ',' | ';');
    let mut line = line.trim_matches(is_edge);
    if let Some(rest) = line.strip_suffix(['+', '.']) {
        if rest.ends_with(is_edge) {
            line = rest.trim_matches(is_edge);
        }
    }
    if let Some(rest) = line.strip_prefix(['+', '.']) {
        if rest.starts_with(is_edge) {
            line = rest.trim_matches(is_edge);
        }
    }
    line
}

/// A PEM private key whose body decodes to DER starting with a SEQUENCE. Traditional encrypted
/// keys (`Proc-Type: 4,ENCRYPTED`) carry ciphertext, which is accepted when it decodes at all.
fn pem_private_key(block: &[u8]) -> bool {
    let body = armored_body(block);
    let Some(der) = decode_base64_any(&body) else {
        return false;
    };
    let encrypted = block.windows(9).any(|w| w == b"ENCRYPTED");
    if encrypted {
        return der.len() >= 64;
    }
    // Ed25519/X25519 PKCS#8 keys are 48 bytes; anything shorter cannot hold a key. A short
    // body must also be exactly one well-formed DER SEQUENCE, so random base64 does not pass.
    der.len() >= 40
        && der_private_key_start(&der)
        && (der.len() >= 64
            || der_sequence_header(&der).is_some_and(|(h, len)| h + len == der.len()))
}

/// For a private-key block whose body cannot be verified: true unless the body decodes to a
/// DER SEQUENCE, a structure `pem_private_key` could judge and did not take for a key (a
/// public key under a private-key armour, a key cut to its first lines). Base64 that is not
/// DER (a hand-typed example, line noise) stays reportable.
fn pem_not_other_structure(block: &[u8]) -> bool {
    decode_base64_any(&armored_body(block))
        .is_none_or(|der| der_sequence_header(&der).is_none() || pem_private_key(block))
}

/// How every unencrypted private-key structure PEM carries begins (PKCS#1 RSA, SEC1 EC, PKCS#8,
/// OpenSSL DSA): a SEQUENCE whose first element is the version INTEGER 0 or 1. A public key
/// (SubjectPublicKeyInfo opens with a nested SEQUENCE) pasted under a private-key armour does
/// not. The body must also hold at least half of the length the SEQUENCE declares: a key cut to
/// a line or two (fake keys in tests of PEM regexes) is not a key; a slightly damaged one still
/// is.
fn der_private_key_start(der: &[u8]) -> bool {
    let Some((header, len)) = der_sequence_header(der) else {
        return false;
    };
    matches!(der.get(header..header + 3), Some([0x02, 0x01, 0x00 | 0x01]))
        && der.len() * 2 >= header + len
}

/// A DER SEQUENCE's header: its size in bytes and the content length it declares.
fn der_sequence_header(der: &[u8]) -> Option<(usize, usize)> {
    if der.len() < 2 || der[0] != 0x30 {
        return None;
    }
    match der[1] {
        n @ 0..=0x7f => Some((2, usize::from(n))),
        0x81 if der.len() > 2 => Some((3, usize::from(der[2]))),
        0x82 if der.len() > 3 => Some((4, (usize::from(der[2]) << 8) | usize::from(der[3]))),
        _ => None,
    }
}

fn openssh_private_key(block: &[u8]) -> bool {
    let body = armored_body(block);
    decode_base64_any(&body).is_some_and(|d| d.starts_with(b"openssh-key-v1\0"))
}

/// `pypi-` + base64 of a v2 macaroon: version 2, then the location field (type 1) naming pypi.
fn pypi_macaroon(token: &[u8]) -> bool {
    let Some(b64) = token.strip_prefix(b"pypi-") else {
        return false;
    };
    let Some(m) = decode_base64_any(b64) else {
        return false;
    };
    m.starts_with(b"\x02\x01\x08pypi.org") || m.starts_with(b"\x02\x01\x0dtest.pypi.org")
}

/// Four-character AWS prefix and sixteen base32 characters.
fn aws_key_id(id: &[u8]) -> bool {
    id.len() == 20
        && id[..4]
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && id[4..]
            .iter()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(b))
}

/// An age identity is Bech32 (BIP-173) with human-readable part `age-secret-key-`.
fn age_bech32(key: &[u8]) -> bool {
    let s = key.to_ascii_lowercase();
    let Some(sep) = s.iter().rposition(|&b| b == b'1') else {
        return false;
    };
    let (hrp, data) = (&s[..sep], &s[sep + 1..]);
    if hrp != b"age-secret-key-" || data.len() < 7 {
        return false;
    }
    const CHARSET: &[u8] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    let mut values = Vec::with_capacity(hrp.len() * 2 + 1 + data.len());
    values.extend(hrp.iter().map(|c| c >> 5));
    values.push(0);
    values.extend(hrp.iter().map(|c| c & 31));
    for c in data {
        match CHARSET.iter().position(|x| x == c) {
            Some(v) => values.push(v as u8),
            None => return false,
        }
    }
    bech32_polymod(&values) == 1
}

fn bech32_polymod(values: &[u8]) -> u32 {
    const GEN: [u32; 5] = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
    let mut chk: u32 = 1;
    for &v in values {
        let top = chk >> 25;
        chk = ((chk & 0x1ffffff) << 5) ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

/// Docker `auth` values: base64 of `user:password` with both parts present.
fn base64_userpass(value: &[u8]) -> bool {
    let Some(plain) = decode_base64_any(value) else {
        return false;
    };
    let Ok(text) = std::str::from_utf8(&plain) else {
        return false;
    };
    // The password half is judged like any password: `user:password` from documentation is
    // not a credential.
    matches!(text.split_once(':'), Some((u, p)) if !u.is_empty() && p.len() >= 4
        && super::syntax::value::classify(
            super::syntax::names::NameKind::Password,
            p.as_bytes(),
            super::syntax::names::Names::shared(),
        )
        .is_some())
}

/// A Grafana API key is base64 of `{"k":"…","n":"<key name>","id":<org>}`. A Power BI
/// report link's `?r=` value starts the same way (`{"k":"<uuid>","t":"<tenant>",…}`) and is
/// a public embed link, not a key. Judged on the bytes, so a key with a damaged byte after
/// its name field (as hand-edited examples have) still counts.
fn grafana_api_key(value: &[u8]) -> bool {
    let Some(plain) = decode_base64_any(value) else {
        return false;
    };
    let has = |needle: &[u8]| memchr::memmem::find(&plain, needle).is_some();
    plain.starts_with(br#"{"k":""#) && has(br#""n"#) && !has(br#""t""#)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    #[test]
    fn base64_with_stray_trailing_bits_still_decodes() {
        // `YWI` is `ab`; `YWJ` sets low bits the last character should not carry.
        assert_eq!(decode_base64_any(b"YWI").as_deref(), Some(&b"ab"[..]));
        assert_eq!(decode_base64_any(b"YWJ").as_deref(), Some(&b"ab"[..]));
        assert_eq!(decode_base64_any(b"Y!WI"), None);
    }

    #[test]
    fn grafana_keys_decode_to_their_fields_and_power_bi_links_do_not() {
        let b64 = |s: &str| STANDARD.encode(s);
        let key = b64(&format!(
            r#"{{"k":"{}","n":"ci","id":1}}"#,
            "Qx7".repeat(10)
        ));
        assert!(Validator::GrafanaApiKey.check(key.as_bytes()));
        let report = b64(r#"{"k":"9f2c4a1e-7b3d-4e8a-b6c1-2d5f8a9e0b7c","t":"117bd4e6","c":8}"#);
        assert!(!Validator::GrafanaApiKey.check(report.as_bytes()));
        assert!(!Validator::GrafanaApiKey.check(b"eyJrIjoiN11vw3byjtt9fbUg5qh1GL6rDddo5wPVBlxh3e"));
    }

    fn github_token(prefix: &str, body: &str) -> String {
        let sum = base62_crc32(body.as_bytes());
        format!("{prefix}_{body}{}", std::str::from_utf8(&sum).unwrap())
    }

    #[test]
    fn github_checksum_accepts_computed_and_rejects_altered() {
        let t = github_token("ghp", "Zq8RtY2uVw3XyA4bC5dE6fG7hJ8kL9");
        assert!(Validator::GithubChecksum.check(t.as_bytes()));
        let mut bad = t.into_bytes();
        let last = bad.len() - 1;
        bad[last] = if bad[last] == b'A' { b'B' } else { b'A' };
        assert!(!Validator::GithubChecksum.check(&bad));
    }

    #[test]
    fn jwt_needs_alg_and_json() {
        let h = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let p = URL_SAFE_NO_PAD.encode(br#"{"sub":"svc-build","iat":1700000000}"#);
        assert!(Validator::Jwt.check(format!("{h}.{p}.c2lnbmF0dXJl").as_bytes()));
        let no_alg = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT"}"#);
        assert!(!Validator::Jwt.check(format!("{no_alg}.{p}.c2ln").as_bytes()));
        assert!(!Validator::Jwt.check(b"eyJhbGciOi.notjson.sig"));
    }

    #[test]
    fn pypi_macaroon_location() {
        let mut m = b"\x02\x01\x08pypi.org\x02\x01".to_vec();
        m.extend_from_slice(&[7u8; 40]);
        let tok = format!("pypi-{}", URL_SAFE_NO_PAD.encode(&m));
        assert!(Validator::PypiMacaroon.check(tok.as_bytes()));
        let other = format!(
            "pypi-{}",
            URL_SAFE_NO_PAD.encode(b"\x02\x01\x08evil.org\x02\x01xxxxxxxxxxxx")
        );
        assert!(!Validator::PypiMacaroon.check(other.as_bytes()));
    }

    #[test]
    fn bech32_reference_vector() {
        // BIP-173 valid test vector (lowercase), checked with the age hrp swapped out.
        let v = b"a12uel5l";
        let s = v.to_vec();
        let sep = s.iter().rposition(|&b| b == b'1').unwrap();
        const CHARSET: &[u8] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
        let hrp = &s[..sep];
        let mut values: Vec<u8> = hrp.iter().map(|c| c >> 5).collect();
        values.push(0);
        values.extend(hrp.iter().map(|c| c & 31));
        values.extend(
            s[sep + 1..]
                .iter()
                .map(|c| CHARSET.iter().position(|x| x == c).unwrap() as u8),
        );
        assert_eq!(bech32_polymod(&values), 1);
        assert!(!age_bech32(b"AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQ"));
    }

    #[test]
    fn pem_accepts_short_ed25519_pkcs8() {
        // An Ed25519 PKCS#8 key is a 48-byte DER SEQUENCE.
        let mut der = vec![
            0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
        ];
        der.extend_from_slice(&[0x04, 0x22, 0x04, 0x20]);
        der.extend_from_slice(&[0x5a; 32]);
        assert_eq!(der.len(), 48);
        let pem = format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----",
            STANDARD.encode(&der)
        );
        assert!(pem_private_key(pem.as_bytes()));
        // The same length of bytes that is not one SEQUENCE is not a key.
        let mut junk = der.clone();
        junk[1] = 0x40;
        let pem = format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----",
            STANDARD.encode(&junk)
        );
        assert!(!pem_private_key(pem.as_bytes()));
    }

    #[test]
    fn pem_needs_a_private_key_structure_and_most_of_its_bytes() {
        let pem = |der: &[u8]| {
            format!(
                "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----",
                STANDARD.encode(der)
            )
        };
        // A PKCS#1 RSA key: SEQUENCE (long form, 0x4a0 bytes), version 0, then the integers.
        let mut key = vec![
            0x30, 0x82, 0x04, 0xa0, 0x02, 0x01, 0x00, 0x02, 0x82, 0x01, 0x01,
        ];
        key.resize(4 + 0x4a0, 0x6b);
        assert!(pem_private_key(pem(&key).as_bytes()));
        // Damaged at the end (the last tenth lost): still a key someone pasted.
        assert!(pem_private_key(pem(&key[..key.len() * 9 / 10]).as_bytes()));
        // Cut to its first lines, as fake keys in tests of PEM regexes are: not a key.
        assert!(!pem_private_key(pem(&key[..96]).as_bytes()));
        // A public key (SubjectPublicKeyInfo: a SEQUENCE that opens with a SEQUENCE) under a
        // private-key armour: no version integer, not a key.
        let mut public = vec![0x30, 0x82, 0x01, 0x22, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86];
        public.resize(4 + 0x122, 0x3c);
        assert!(!pem_private_key(pem(&public).as_bytes()));
    }

    #[test]
    fn pem_split_across_concatenated_strings_is_read_as_one_body() {
        let mut key = vec![
            0x30, 0x82, 0x04, 0xa0, 0x02, 0x01, 0x00, 0x02, 0x82, 0x01, 0x01,
        ];
        key.resize(4 + 0x4a0, 0x6b);
        let b64 = STANDARD.encode(&key);
        let lines: Vec<&str> = b64
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        let armour = |line_of: &dyn Fn(&str) -> String| {
            let mut text = line_of("-----BEGIN RSA PRIVATE KEY-----");
            for l in &lines {
                text.push_str(&line_of(l));
            }
            text + "    \"-----END RSA PRIVATE KEY-----"
        };
        let java = armour(&|l| format!("    \"{l}\\n\" +\n"));
        let python = armour(&|l| format!("    '{l}\\n'\n"));
        let php = armour(&|l| format!("  \"{l}\\r\\n\" .\n"));
        // The capture starts at the armour, so the first line holds only the closing quote.
        let first_line_open = java.trim_start().trim_start_matches('"').to_string();
        for text in [&java, &python, &php, &first_line_open] {
            assert!(pem_private_key(text.as_bytes()), "{text}");
        }
        // Concatenation does not make a public key a private one.
        let mut public = vec![0x30, 0x82, 0x01, 0x22, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86];
        public.resize(4 + 0x122, 0x3c);
        let text = format!(
            "-----BEGIN RSA PRIVATE KEY-----\\n\" +\n  \"{}\\n\" +\n  \"-----END RSA PRIVATE KEY-----",
            STANDARD.encode(&public)
        );
        assert!(!pem_private_key(text.as_bytes()));
    }

    #[test]
    fn unverifiable_pem_is_reported_unless_it_is_another_structure() {
        let pem = |der: &[u8]| {
            format!(
                "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----",
                STANDARD.encode(der)
            )
        };
        // Not DER at all: nothing rules it out.
        assert!(pem_not_other_structure(pem(&[0x5a; 300]).as_bytes()));
        // A public key (SubjectPublicKeyInfo) under the armour: ruled out.
        let mut public = vec![0x30, 0x82, 0x01, 0x22, 0x30, 0x0d, 0x06, 0x09];
        public.resize(4 + 0x122, 0x3c);
        assert!(!pem_not_other_structure(pem(&public).as_bytes()));
        // A real key structure passes (the verified rule reports it; this one stays quiet by
        // overlap, not by this check).
        let mut key = vec![0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x00];
        key.resize(4 + 0x100, 0x6b);
        assert!(pem_not_other_structure(pem(&key).as_bytes()));
        assert!(!Validator::PemNotOtherStructure.confirms());
        assert!(Validator::PemPrivateKey.confirms());
    }

    #[test]
    fn aws_key_id_alphabet() {
        assert!(aws_key_id(b"AKIAZ2Y4QWERTYU7ABCD")); // keyward:allow (fake)
        assert!(!aws_key_id(b"AKIAZ2Y4QWERTYU8ABCD")); // 8 is not base32
        assert!(!aws_key_id(b"AKIAZ2Y4QWERTYU7ABC"));
    }

    #[test]
    fn docker_auth_needs_user_and_password() {
        let ok = STANDARD.encode("deploy-bot:Xk29fjQ0aPz");
        assert!(base64_userpass(ok.as_bytes()));
        let no_pw = STANDARD.encode("deploy-bot:");
        assert!(!base64_userpass(no_pw.as_bytes()));
    }
}
