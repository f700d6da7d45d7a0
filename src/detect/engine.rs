//! The scanning loop: keyword hits → windows → regex candidates → filters → findings.

use std::ops::Range;

use super::{
    filters::{is_filler, is_hash_like, is_typed_run, looks_random, shannon_entropy},
    finding::{Finding, Related, Secret, Validation},
    lines::positions_of,
    rule::{Decoder, Rule},
    syntax::{
        self, fences,
        names::{NameKind, Names},
        value::{self, Tier},
        FileSyntax,
    },
    validate::decode_base64_any,
    Detector, Input,
};
use crate::detect::{Category, Confidence};

/// Bytes before a keyword hit where a rule's match may start (a keyword inside the secret, such
/// as OpenAI's `T3BlbkFJ` marker, sits well after the secret's first byte).
const LOOK_BEHIND: usize = 256;
/// How far a window's end may be stretched to reach the end of its line.
const LINE_STRETCH: usize = 4096;
/// Two halves of a paired credential are linked only when this close (a credentials file, an
/// `.env` or one JSON object): a key id far away belongs to another credential.
const PAIR_DISTANCE: usize = 1024;
/// Decoded values are scanned again once, never recursively.
const MAX_DECODE_DEPTH: usize = 1;

/// A candidate that passed every filter, before positions are computed.
struct Candidate {
    rule: usize,
    span: Range<usize>,
    validation: Validation,
    /// For decoded values: the more specific rule that matched the plaintext.
    inner_rule: Option<usize>,
}

pub(super) fn scan(det: &Detector, input: Input<'_>, depth: usize) -> Vec<Finding> {
    let bytes = input.bytes;
    let mut reader_hits = Vec::new();
    let windows = keyword_windows(det, input, &mut reader_hits);
    let mut candidates = Vec::new();
    for (rule_idx, ranges) in windows.into_iter().enumerate() {
        if ranges.is_empty() {
            continue;
        }
        let rule = &det.rules[rule_idx];
        for w in ranges {
            run_rule(det, rule_idx, rule, bytes, w, depth, &mut candidates);
        }
    }
    // Only rules that take the reader's values collect reader hits.
    if det.reader_rules.generated.is_some() || det.reader_rules.human.is_some() {
        let file = FileSyntax::of(input.path);
        // Names in other scripts are written in documents and configuration (a wiki page, a
        // README, a YAML file), rarely in code: only those are searched for them.
        if syntax::names_other_scripts(input.path, file) {
            let script_hits = Names::shared().script_word_hits(bytes);
            if !script_hits.is_empty() {
                reader_hits.extend(script_hits);
                reader_hits.sort_by_key(|r| (r.start, r.end));
                reader_hits.dedup();
            }
        }
        if !reader_hits.is_empty() {
            read_pairs(det, input, file, &reader_hits, &mut candidates);
        }
    }
    let candidates = resolve_overlaps(det, candidates);
    let mut findings = to_findings(det, bytes, candidates);
    pair_credentials(det, &mut findings);
    findings
}

/// Per rule, the merged byte windows in which its regex must run. Keyword hits of rules that
/// take the syntax reader's values go to `reader_hits` instead, once per hit.
fn keyword_windows(
    det: &Detector,
    input: Input<'_>,
    reader_hits: &mut Vec<Range<usize>>,
) -> Vec<Vec<Range<usize>>> {
    let bytes = input.bytes;
    let mut out: Vec<Vec<Range<usize>>> = vec![Vec::new(); det.rules.len()];
    let lockfile = input.path.is_some_and(|p| det.filters.is_lockfile(p));
    let mut applicable: Vec<Option<bool>> = vec![None; det.rules.len()];
    for hit in det.keyword_hits(bytes) {
        for &ri in &det.keyword_rules[hit.pattern] {
            let rule = &det.rules[ri];
            let ok = *applicable[ri].get_or_insert_with(|| rule_applies(rule, input, lockfile));
            if !ok {
                continue;
            }
            if rule.spec.reader.is_some() {
                if reader_hits.last() != Some(&hit.range) {
                    reader_hits.push(hit.range.clone());
                }
                continue;
            }
            let start = hit.range.start.saturating_sub(LOOK_BEHIND);
            let end = stretch_to_line_end(bytes, (hit.range.end + rule.window()).min(bytes.len()));
            let list = &mut out[ri];
            match list.last_mut() {
                Some(last) if start <= last.end => {
                    last.start = last.start.min(start);
                    last.end = last.end.max(end);
                }
                _ => list.push(start..end),
            }
        }
    }
    out
}

fn rule_applies(rule: &Rule, input: Input<'_>, lockfile: bool) -> bool {
    if lockfile && rule.info.confidence < Confidence::High && !rule.skips("lockfile") {
        return false;
    }
    match (&rule.spec.path, input.path) {
        (Some(_), Some(path)) => rule.path_glob().is_some_and(|g| g.is_match(path)),
        (Some(_), None) => false,
        (None, _) => true,
    }
}

/// Ends a window at the end of its line, so a token is not cut in half (and then matched as a
/// shorter, bogus token). Bounded, so a single 10 MB line costs no more than any other window.
fn stretch_to_line_end(bytes: &[u8], end: usize) -> usize {
    let limit = (end + LINE_STRETCH).min(bytes.len());
    match memchr::memchr(b'\n', &bytes[end..limit]) {
        Some(i) => end + i,
        None => limit,
    }
}

fn run_rule(
    det: &Detector,
    rule_idx: usize,
    rule: &Rule,
    bytes: &[u8],
    window: Range<usize>,
    depth: usize,
    out: &mut Vec<Candidate>,
) {
    let re = rule.regex();
    let group = rule.secret_group();
    // Slicing the end keeps the search inside the window; `captures_at` on the start keeps the
    // bytes before the window visible to `\b` and other look-around assertions.
    let hay = &bytes[..window.end];
    let mut pos = window.start;
    let mut locs = re.capture_locations();
    while pos <= hay.len() {
        let Some(m) = re.captures_read_at(&mut locs, hay, pos) else {
            break;
        };
        pos = if m.end() > m.start() {
            m.end()
        } else {
            m.end() + 1
        };
        let Some((s, e)) = locs.get(group) else {
            continue;
        };
        if s == e {
            continue;
        }
        if let Some(c) = judge(det, rule_idx, rule, bytes, s..e, depth) {
            out.push(c);
        }
    }
}

/// The shared filters every candidate passes, from a regex or from the syntax reader: known
/// examples, placeholders, references, and values a provider's prefix claims.
fn filtered_out(det: &Detector, rule: &Rule, secret: &[u8]) -> bool {
    let f = &det.filters;
    if (!rule.skips("known_example") && f.is_known_example(secret))
        || (!rule.skips("placeholder")
            && (f.is_placeholder_text(secret)
                || (is_filler(secret) && !(rule.skips("typed_run") && is_typed_run(secret)))))
        || (!rule.skips("reference") && f.is_reference(secret))
    {
        return true;
    }
    if rule.validator.is_none() && det.has_provider_prefix(secret) {
        // A provider's prefix (`ghp_`, `npm_`) claims the value for that provider's rule: if
        // the rule rejected it (bad checksum, truncated), a rule that reads any value under a
        // name (a generic rule, a reader rule) must not report it instead. A provider rule keeps
        // values that start with its own keyword.
        let own = rule.spec.keywords.iter().any(|k| {
            secret.len() >= k.len() && secret[..k.len()].eq_ignore_ascii_case(k.as_bytes())
        });
        return rule.info.category == Category::Generic
            || rule.spec.reader.is_some()
            || (rule.spec.random && !own);
    }
    false
}

/// Applies filters, context, decoder and validator to one regex candidate.
fn judge(
    det: &Detector,
    rule_idx: usize,
    rule: &Rule,
    bytes: &[u8],
    span: Range<usize>,
    depth: usize,
) -> Option<Candidate> {
    let secret = &bytes[span.clone()];
    if filtered_out(det, rule, secret) {
        return None;
    }
    if !rule.spec.allow_hex && !rule.skips("hash") && is_hash_like(secret) {
        return None;
    }
    if let Some(ctx) = rule.context_regex() {
        let cw = rule.context_window();
        let from = span.start.saturating_sub(cw);
        let to = (span.end + cw).min(bytes.len());
        if !ctx.is_match(&bytes[from..to]) {
            return None;
        }
    }
    let mut validation = Validation::Unchecked;
    if let Some(v) = rule.validator {
        if !v.check(secret) {
            return None;
        }
        if v.confirms() {
            validation = Validation::Confirmed;
        }
    }
    let mut inner_rule = None;
    match rule.decoder {
        Some(decoder @ (Decoder::Base64 | Decoder::Base64Wrapped)) => {
            let plain = decode_base64_any(secret)?;
            if depth < MAX_DECODE_DEPTH {
                let inner = scan(det, Input::new(&plain), depth + 1);
                if let Some(best) = inner
                    .iter()
                    .max_by_key(|f| (f.rule.confidence, f.validation == Validation::Confirmed))
                {
                    inner_rule = det.by_id.get(&best.rule.id).copied();
                    if best.validation == Validation::Confirmed {
                        validation = Validation::Confirmed;
                    }
                }
            }
            let wrapped = decoder == Decoder::Base64Wrapped;
            if inner_rule.is_none() && (wrapped || !plaintext_is_secret(det, rule, &plain)) {
                return None;
            }
        }
        None => {
            if let Some(min) = rule.spec.min_entropy {
                if shannon_entropy(secret) < min {
                    return None;
                }
            }
            if rule.spec.password_value {
                // A password is judged as the syntax reader judges a `password = "…"` value;
                // `random` then asks for the reader's generated tier, so one shape can warn on
                // generated passwords and leave person-chosen ones to an opt-in twin rule.
                // A rule that allows hex (a 40-hex API key in a `.netrc`) judges a hash-shaped
                // value as a key would be judged, not as a password that looks like a digest.
                let kind = if rule.spec.allow_hex && is_hash_like(secret) {
                    NameKind::Secret
                } else {
                    NameKind::Password
                };
                // A URL's userinfo is percent-encoded (`pass%2Eword`): what it spells is judged.
                let spelled: std::borrow::Cow<[u8]> =
                    percent_encoding::percent_decode(secret).into();
                match value::classify(kind, &spelled, Names::shared()) {
                    None => return None,
                    Some(Tier::Human) if rule.spec.random => return None,
                    Some(_) => {}
                }
            } else if rule.spec.random && !looks_random(secret) {
                return None;
            }
        }
    }
    Some(Candidate {
        rule: rule_idx,
        span,
        validation,
        inner_rule,
    })
}

/// The syntax reader's path: each keyword hit names a candidate name; the reader finds the
/// value bound to it, the vocabulary judges the name, the value classifier the value, and the
/// shared filters apply as for any rule.
fn read_pairs(
    det: &Detector,
    input: Input<'_>,
    file: FileSyntax,
    hits: &[Range<usize>],
    out: &mut Vec<Candidate>,
) {
    let bytes = input.bytes;
    // A Markdown document is prose, but its configuration and shell blocks are configuration.
    let config_blocks = match input.path {
        Some(p) if file == FileSyntax::Source && fences::is_markdown(p) && !hits.is_empty() => {
            fences::config_blocks(bytes)
        }
        _ => Vec::new(),
    };
    let names = Names::shared();
    let lockfile = input.path.is_some_and(|p| det.filters.is_lockfile(p));
    let mut last_name: Option<Range<usize>> = None;
    for hit in hits {
        let Some(name) = syntax::name_around(bytes, hit.clone()) else {
            continue;
        };
        // Several keywords in one name (`auth_token_secret`) are read once.
        if last_name.as_ref() == Some(&name) {
            continue;
        }
        last_name = Some(name.clone());
        let syntax = if fences::within(&config_blocks, name.start) {
            FileSyntax::Config
        } else {
            file
        };
        let Some(pair) = syntax::read_pair(bytes, name, syntax) else {
            continue;
        };
        let Some(kind) = names.classify(&bytes[pair.name.clone()]) else {
            continue;
        };
        let value = &bytes[pair.value.clone()];
        let rule = match value::classify(kind, value, names) {
            Some(Tier::Generated) => det.reader_rules.generated,
            // Under a bare `key` (`self.key`, `{"key": "user:123"}`) only a generated-looking
            // value is a secret; a word or a label is the lookup key it names.
            Some(Tier::Human) if names.is_bare_key(&bytes[pair.name.clone()]) => None,
            Some(Tier::Human) => det.reader_rules.human,
            None => None,
        };
        let Some(rule) = rule.filter(|&r| {
            let rule = &det.rules[r];
            rule_applies(rule, input, lockfile) && !filtered_out(det, rule, value)
        }) else {
            continue;
        };
        out.push(Candidate {
            rule,
            span: pair.value,
            validation: Validation::Unchecked,
            inner_rule: None,
        });
    }
}

/// A decoded value with no more specific finding inside is judged on its own.
fn plaintext_is_secret(det: &Detector, rule: &Rule, plain: &[u8]) -> bool {
    let plain = plain.trim_ascii();
    if plain.is_empty() || det.filters.is_placeholder(plain) || det.filters.is_reference(plain) {
        return false;
    }
    if let Some(min) = rule.spec.min_entropy {
        if shannon_entropy(plain) < min {
            return false;
        }
    }
    !rule.spec.random || looks_random(plain)
}

/// When several rules claim overlapping bytes, the most specific one wins: a validated match,
/// then higher confidence, then a named provider over a generic rule, then the longer match.
fn resolve_overlaps(det: &Detector, mut cands: Vec<Candidate>) -> Vec<Candidate> {
    cands.sort_by(|a, b| {
        a.span
            .start
            .cmp(&b.span.start)
            .then(b.span.end.cmp(&a.span.end))
    });
    let rank = |c: &Candidate| {
        let info = &det.rules[c.inner_rule.unwrap_or(c.rule)].info;
        (
            c.validation == Validation::Confirmed,
            info.confidence,
            info.category != Category::Generic,
            c.span.len(),
        )
    };
    let mut kept: Vec<Candidate> = Vec::with_capacity(cands.len());
    for c in cands {
        match kept.last_mut() {
            Some(last) if c.span.start < last.span.end => {
                if c.span == last.span && c.rule == last.rule {
                    continue;
                }
                if rank(&c) > rank(last) {
                    *last = c;
                }
            }
            _ => kept.push(c),
        }
    }
    kept
}

fn to_findings(det: &Detector, bytes: &[u8], cands: Vec<Candidate>) -> Vec<Finding> {
    let mut offsets: Vec<usize> = cands
        .iter()
        .flat_map(|c| [c.span.start, c.span.end])
        .collect();
    offsets.sort_unstable();
    offsets.dedup();
    let positions = positions_of(bytes, &offsets);
    let pos_of = |o: usize| positions[offsets.binary_search(&o).expect("offset was collected")];
    cands
        .into_iter()
        .map(|c| {
            let info = det.rules[c.inner_rule.unwrap_or(c.rule)].info.clone();
            Finding {
                rule: info,
                start: pos_of(c.span.start),
                end: pos_of(c.span.end),
                secret: Secret::new(&bytes[c.span.clone()]),
                span: c.span,
                validation: c.validation,
                related: Vec::new(),
            }
        })
        .collect()
}

/// Pairs the halves of a two-part credential (an AWS secret key next to its key id) when they
/// lie within [`PAIR_DISTANCE`] bytes. Pairing only enriches: both halves stay findings with
/// their own location, suppression and fingerprint, so an allowlisted, baselined or already
/// committed key id can never hide a secret key added later.
fn pair_credentials(det: &Detector, findings: &mut [Finding]) {
    let mut links: Vec<(usize, usize)> = Vec::new();
    for i in 0..findings.len() {
        let Some(partner_id) = det
            .rule(&findings[i].rule.id)
            .and_then(|r| r.spec.pairs_with.as_deref())
        else {
            continue;
        };
        let here = &findings[i].span;
        let nearest = findings
            .iter()
            .enumerate()
            .filter(|(j, f)| *j != i && f.rule.id == partner_id)
            .map(|(j, f)| (j, span_distance(here, &f.span)))
            .filter(|&(_, d)| d <= PAIR_DISTANCE)
            .min_by_key(|&(_, d)| d)
            .map(|(j, _)| j);
        if let Some(j) = nearest {
            links.push((i, j));
        }
    }
    for (i, j) in links {
        let (a, b) = (related_of(&findings[j]), related_of(&findings[i]));
        findings[i].related.push(a);
        findings[j].related.push(b);
    }
}

/// Bytes between two spans (0 when they touch or overlap).
fn span_distance(a: &Range<usize>, b: &Range<usize>) -> usize {
    if a.end <= b.start {
        b.start - a.end
    } else {
        a.start.saturating_sub(b.end)
    }
}

fn related_of(f: &Finding) -> Related {
    Related {
        rule_id: f.rule.id.clone(),
        span: f.span.clone(),
        start: f.start,
        end: f.end,
    }
}

#[cfg(test)]
mod tests {
    use crate::detect::{Detector, Input};

    #[test]
    fn both_halves_stay_findings_and_only_near_halves_are_linked() {
        let det = Detector::builtin().unwrap();
        let id = format!("{}{}", "AKIA", "2HJ7Z2E622YZAHB4");
        let secret = format!("{}{}", "Y0NXij0T6544oE9R1", "/QkQRrXYpLnEpsizOm7F6Wp");
        let near = format!("aws_access_key_id = {id}\naws_secret_access_key = {secret}\n");
        let found = det.scan(Input::new(near.as_bytes()));
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().all(|f| f.related.len() == 1), "{found:?}");
        let far = format!(
            "aws_access_key_id = {id}\n{}aws_secret_access_key = {secret}\n",
            "x = 1\n".repeat(400)
        );
        let found = det.scan(Input::new(far.as_bytes()));
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().all(|f| f.related.is_empty()), "{found:?}");
    }
}
