//! Encoders the token formats need: base64, DER, Bech32 (age), CRC-24 (OpenPGP armor) and
//! the GitHub/npm CRC32-base62 checksum. Written here (not taken from keyward) so the corpus
//! does not inherit a bug in the code it is meant to test — except `base62_crc32`, whose
//! scheme is a published fact and whose implementation the brief asks us to share.

use base64::{
    engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD},
    Engine,
};

pub fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

pub fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `prefix` + `body` + six-character base62 CRC32 of `body` (GitHub classic tokens, npm).
pub fn crc32_token(prefix: &str, body: &str) -> String {
    let sum = keyward::detect::validate::base62_crc32(body.as_bytes());
    format!("{prefix}{body}{}", std::str::from_utf8(&sum).unwrap())
}

/// Wraps base64 at `width` columns.
pub fn wrap(text: &str, width: usize) -> String {
    text.as_bytes()
        .chunks(width)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// An ASCII-armored block (`-----BEGIN {label}-----`). The label is passed in so no complete
/// armor header appears as a literal in this repository.
pub fn armor(label: &str, der: &[u8], width: usize) -> String {
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----",
        wrap(&b64(der), width)
    )
}

// --- DER -----------------------------------------------------------------------------------

fn der_len(n: usize) -> Vec<u8> {
    if n < 0x80 {
        vec![n as u8]
    } else if n < 0x100 {
        vec![0x81, n as u8]
    } else {
        vec![0x82, (n >> 8) as u8, n as u8]
    }
}

pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut v = vec![tag];
    v.extend(der_len(content.len()));
    v.extend_from_slice(content);
    v
}

pub fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

/// A positive INTEGER from big-endian magnitude bytes.
pub fn int(mag: &[u8]) -> Vec<u8> {
    let mut m = mag.to_vec();
    if m.first().is_some_and(|b| b & 0x80 != 0) {
        m.insert(0, 0);
    }
    tlv(0x02, &m)
}

pub fn small_int(n: u8) -> Vec<u8> {
    tlv(0x02, &[n])
}

// --- Bech32 (BIP-173), for age identities ------------------------------------------------------

const BECH32: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

fn polymod(values: &[u8]) -> u32 {
    const GEN: [u32; 5] = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
    let mut chk: u32 = 1;
    for &v in values {
        let top = chk >> 25;
        chk = ((chk & 0x1ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

fn hrp_expand(hrp: &str) -> Vec<u8> {
    let b = hrp.as_bytes();
    let mut v: Vec<u8> = b.iter().map(|c| c >> 5).collect();
    v.push(0);
    v.extend(b.iter().map(|c| c & 31));
    v
}

fn to_5bit(data: &[u8]) -> Vec<u8> {
    let (mut acc, mut bits, mut out) = (0u32, 0u32, Vec::new());
    for &b in data {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(((acc >> bits) & 31) as u8);
        }
    }
    if bits > 0 {
        out.push(((acc << (5 - bits)) & 31) as u8);
    }
    out
}

/// Bech32 encoding of `data` under human-readable part `hrp` (lower case).
pub fn bech32(hrp: &str, data: &[u8]) -> String {
    let d5 = to_5bit(data);
    let mut values = hrp_expand(hrp);
    values.extend(&d5);
    values.extend([0u8; 6]);
    let pm = polymod(&values) ^ 1;
    let mut out = format!("{hrp}1");
    for v in &d5 {
        out.push(BECH32[*v as usize] as char);
    }
    for i in 0..6 {
        out.push(BECH32[((pm >> (5 * (5 - i))) & 31) as usize] as char);
    }
    out
}

// --- OpenPGP armor checksum ------------------------------------------------------------------

pub fn crc24(data: &[u8]) -> [u8; 3] {
    let mut crc: u32 = 0xB704CE;
    for &b in data {
        crc ^= u32::from(b) << 16;
        for _ in 0..8 {
            crc <<= 1;
            if crc & 0x100_0000 != 0 {
                crc ^= 0x186_4CFB;
            }
        }
    }
    [(crc >> 16) as u8, (crc >> 8) as u8, crc as u8]
}

/// SSH wire-format string: u32 length + bytes.
pub fn ssh_string(out: &mut Vec<u8>, s: &[u8]) {
    out.extend((s.len() as u32).to_be_bytes());
    out.extend_from_slice(s);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bech32_matches_bip173_vector() {
        // BIP-173 test vector: hrp "a", empty data.
        assert_eq!(bech32("a", &[]), "a12uel5l");
    }
}
