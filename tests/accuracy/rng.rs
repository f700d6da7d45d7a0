//! A small deterministic PRNG (SplitMix64) and the character sets token formats are built from.
//! Deterministic so a failing run can be reproduced and diffed; no dependency needed.

pub const DIGITS: &str = "0123456789";
pub const HEX: &str = "0123456789abcdef";
pub const HEX_UPPER: &str = "0123456789ABCDEF";
pub const ALPHA: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
pub const ALNUM: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
pub const UPPER_ALNUM: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
pub const LOWER_ALNUM: &str = "0123456789abcdefghijklmnopqrstuvwxyz";
pub const BASE32_UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
pub const BASE32_LOWER: &str = "abcdefghijklmnopqrstuvwxyz234567";
pub const URLSAFE: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
pub const BASE64: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/";

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x6A09_E667_F3BC_C909)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn pick_str(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }

    /// `len` characters drawn from `charset`.
    pub fn chars(&mut self, charset: &str, len: usize) -> String {
        let set = charset.as_bytes();
        (0..len)
            .map(|_| set[self.below(set.len())] as char)
            .collect()
    }

    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }

    pub fn hex(&mut self, len: usize) -> String {
        self.chars(HEX, len)
    }

    pub fn alnum(&mut self, len: usize) -> String {
        self.chars(ALNUM, len)
    }

    pub fn digits(&mut self, len: usize) -> String {
        // A leading zero makes ids look odd; real account ids and phone-like ids start 1-9.
        let mut s = self.chars("123456789", 1);
        s.push_str(&self.chars(DIGITS, len - 1));
        s
    }

    /// A random identifier-ish word for hostnames, users and project names.
    pub fn word(&mut self) -> &'static str {
        const WORDS: [&str; 24] = [
            "atlas",
            "billing",
            "orion",
            "payments",
            "ledger",
            "harbor",
            "nimbus",
            "quartz",
            "relay",
            "falcon",
            "cobalt",
            "mercury",
            "juniper",
            "pioneer",
            "summit",
            "vertex",
            "acme",
            "northwind",
            "contoso",
            "globex",
            "initech",
            "umbrella",
            "hooli",
            "stark",
        ];
        self.pick_str(&WORDS)
    }
}
