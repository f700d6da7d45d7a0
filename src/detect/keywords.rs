//! The keyword pass: every occurrence of every rule keyword in a buffer, overlapping, in the
//! order in which they end. It is the one pass over all of a scan's bytes, so it is the scan's
//! floor.
//!
//! A small scan (a commit, an edited buffer) uses an NFA, quick to build. Once a detector has
//! scanned [`DFA_AFTER_BYTES`], the same patterns are compiled into a DFA, which finds the same
//! hits faster. A DFA walk is bound by the latency of one table load per byte, each load waiting
//! for the last; a large buffer is therefore walked in [`LANES`] independent stretches at once,
//! so the processor overlaps their loads. Each lane starts the length of the longest keyword
//! before its stretch, which is enough for the automaton's state to be exact when the stretch
//! begins (an Aho-Corasick state is determined by the last `max_pattern_len` bytes), and reports
//! only the hits that end inside its stretch: together the lanes report each hit exactly once.

use std::{
    ops::Range,
    sync::{
        atomic::{AtomicU64, Ordering},
        OnceLock,
    },
};

use aho_corasick::{
    automaton::{Automaton, StateID},
    dfa::DFA,
    AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Anchored, MatchKind,
};

/// Bytes a detector scans with the NFA before it builds the DFA. The DFA searches
/// about 2.5× faster but takes a few milliseconds to build: a hook or an editor scanning
/// a few files must not pay that, a tree scan of megabytes recovers it many times over.
const DFA_AFTER_BYTES: u64 = 4 * 1024 * 1024;
/// Stretches of a buffer the DFA walks at once (the walk in `dfa_hits` is written out for four).
const LANES: usize = 4;
/// Shorter buffers are walked in one lane: the lanes' warm-up and bookkeeping would cost more
/// than they save.
const LANE_MIN_BYTES: usize = 1024;

/// One occurrence of a keyword: its index in the pattern list and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hit {
    pub pattern: usize,
    pub range: Range<usize>,
}

#[derive(Debug)]
pub(crate) struct Keywords {
    patterns: Vec<Vec<u8>>,
    nfa: AhoCorasick,
    dfa: OnceLock<DFA>,
    scanned_bytes: AtomicU64,
}

impl Keywords {
    /// Lowercase patterns, matched ASCII case-insensitively.
    pub fn new(patterns: Vec<Vec<u8>>) -> Keywords {
        let nfa = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&patterns)
            .expect("keyword automaton builds from plain literals");
        Keywords {
            patterns,
            nfa,
            dfa: OnceLock::new(),
            scanned_bytes: AtomicU64::new(0),
        }
    }

    /// Every keyword occurrence in `bytes`, ordered by end (then by pattern, as Aho-Corasick's
    /// overlapping search orders them).
    pub fn hits(&self, bytes: &[u8]) -> Vec<Hit> {
        match self.dfa_for(bytes.len()) {
            Some(dfa) => dfa_hits(dfa, bytes),
            None => self
                .nfa
                .find_overlapping_iter(bytes)
                .map(|m| Hit {
                    pattern: m.pattern().as_usize(),
                    range: m.range(),
                })
                .collect(),
        }
    }

    /// The DFA, once this detector has scanned enough to make building it worth it.
    fn dfa_for(&self, len: usize) -> Option<&DFA> {
        if let Some(dfa) = self.dfa.get() {
            return Some(dfa);
        }
        let before = self.scanned_bytes.fetch_add(len as u64, Ordering::Relaxed);
        (before + len as u64 >= DFA_AFTER_BYTES).then(|| self.dfa.get_or_init(|| self.build_dfa()))
    }

    fn build_dfa(&self) -> DFA {
        aho_corasick::dfa::Builder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            // Hundreds of patterns defeat the prefilters, and building one doubles the cost.
            .prefilter(false)
            .build(&self.patterns)
            .expect("keyword DFA builds from plain literals")
    }
}

/// One walk of the DFA over a stretch of the buffer.
struct Lane {
    sid: StateID,
    /// Offset of the next byte this lane reads.
    at: usize,
    /// Hits ending at or before this offset belong to the lane before.
    reports_after: usize,
    hits: Vec<Hit>,
}

impl Lane {
    fn new(dfa: &DFA, at: usize, reports_after: usize) -> Lane {
        Lane {
            sid: dfa
                .start_state(Anchored::No)
                .expect("an unanchored DFA has an unanchored start state"),
            at,
            reports_after,
            hits: Vec::new(),
        }
    }

    #[inline(always)]
    fn step(&mut self, dfa: &DFA, byte: u8) {
        self.sid = dfa.next_state(Anchored::No, self.sid, byte);
        self.at += 1;
        if dfa.is_special(self.sid) && dfa.is_match(self.sid) && self.at > self.reports_after {
            for i in 0..dfa.match_len(self.sid) {
                let pid = dfa.match_pattern(self.sid, i);
                self.hits.push(Hit {
                    pattern: pid.as_usize(),
                    range: self.at - dfa.pattern_len(pid)..self.at,
                });
            }
        }
    }

    fn run(&mut self, dfa: &DFA, bytes: &[u8], end: usize) {
        for &b in &bytes[self.at..end] {
            self.step(dfa, b);
        }
    }
}

fn dfa_hits(dfa: &DFA, bytes: &[u8]) -> Vec<Hit> {
    let len = bytes.len();
    let warm_up = dfa.max_pattern_len();
    let stretch = len / LANES;
    if len < LANE_MIN_BYTES || stretch <= warm_up {
        let mut lane = Lane::new(dfa, 0, 0);
        lane.run(dfa, bytes, len);
        return lane.hits;
    }
    let bounds = [0, stretch, 2 * stretch, 3 * stretch, len];
    let lane = |i: usize| Lane::new(dfa, bounds[i].saturating_sub(warm_up), bounds[i]);
    let (mut a, mut b, mut c, mut d) = (lane(0), lane(1), lane(2), lane(3));
    // Lane 0 has no warm-up, so it has the fewest bytes: all four walk that many in lockstep.
    let together = stretch;
    let lane_bytes = |l: &Lane| &bytes[l.at..l.at + together];
    let (sa, sb, sc, sd) = (
        lane_bytes(&a),
        lane_bytes(&b),
        lane_bytes(&c),
        lane_bytes(&d),
    );
    for (((&x, &y), &z), &w) in sa.iter().zip(sb).zip(sc).zip(sd) {
        a.step(dfa, x);
        b.step(dfa, y);
        c.step(dfa, z);
        d.step(dfa, w);
    }
    let mut hits = a.hits;
    for (mut lane, end) in [(b, bounds[2]), (c, bounds[3]), (d, bounds[4])] {
        lane.run(dfa, bytes, end);
        hits.append(&mut lane.hits);
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keywords() -> Keywords {
        let words = [
            "key",
            "pass",
            "password",
            "token",
            "aaaaaaaaaa",
            "0/",
            "ghp_",
        ];
        Keywords::new(words.iter().map(|w| w.as_bytes().to_vec()).collect())
    }

    /// Text dense with keywords, overlapping ones and case variants, so that hits fall on
    /// every lane boundary of some length.
    fn text(len: usize) -> Vec<u8> {
        let pieces: [&[u8]; 8] = [
            b"PassWord=",
            b"monkey ",
            b"aaaaaaaaaaaaa",
            b"10/20 ",
            b"x_token",
            b" GHP_",
            b"k",
            b"ey\n",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut out = Vec::with_capacity(len);
        while out.len() < len {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            out.extend_from_slice(pieces[(seed % 8) as usize]);
        }
        out.truncate(len);
        out
    }

    #[test]
    fn lanes_find_exactly_what_the_nfa_finds() {
        let kw = keywords();
        let dfa = kw.build_dfa();
        for len in [
            0,
            1,
            100,
            LANE_MIN_BYTES - 1,
            LANE_MIN_BYTES,
            20_011,
            65_536,
            100_003,
        ] {
            let bytes = text(len);
            let want: Vec<Hit> = kw
                .nfa
                .find_overlapping_iter(&bytes)
                .map(|m| Hit {
                    pattern: m.pattern().as_usize(),
                    range: m.range(),
                })
                .collect();
            assert!(len < 1000 || want.len() > len / 20, "dense text at {len}");
            assert_eq!(dfa_hits(&dfa, &bytes), want, "length {len}");
        }
    }

    #[test]
    fn a_hit_across_a_lane_boundary_is_reported_once() {
        let kw = keywords();
        let dfa = kw.build_dfa();
        let len = 4 * LANE_MIN_BYTES;
        let stretch = len / LANES;
        for shift in 0..9 {
            let mut bytes = vec![b' '; len];
            let at = stretch - shift;
            bytes[at..at + 8].copy_from_slice(b"password");
            let hits = dfa_hits(&dfa, &bytes);
            let ranges: Vec<_> = hits.iter().map(|h| h.range.clone()).collect();
            assert_eq!(ranges, [at..at + 4, at..at + 8], "shift {shift}");
        }
    }

    #[test]
    fn the_dfa_takes_over_after_enough_bytes() {
        let kw = keywords();
        let small = text(1000);
        let first = kw.hits(&small);
        assert!(kw.dfa.get().is_none());
        let big = text(DFA_AFTER_BYTES as usize);
        kw.hits(&big);
        assert!(kw.dfa.get().is_some());
        assert_eq!(kw.hits(&small), first);
    }
}
