//! Assembles the held-out corpus: every provider in several syntaxes, the special-shape
//! documents, and the decoys. Deterministic for a given seed.

use super::decoys::decoys;
use super::docs::documents;
use super::embed::{block_syntaxes, line_syntaxes, CorpusFile, Doc};
use super::formats::{providers, Shape};
use super::rng::Rng;

/// How many different syntaxes each one-line provider is written in.
const LINE_SYNTAXES_PER_PROVIDER: usize = 6;
const BLOCK_SYNTAXES_PER_PROVIDER: usize = 4;

/// Picks `n` distinct indices below `len`.
fn distinct(r: &mut Rng, len: usize, n: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..len).collect();
    for i in 0..len {
        let j = i + r.below(len - i);
        idx.swap(i, j);
    }
    idx.truncate(n.min(len));
    idx
}

fn key_file_path(provider: &str) -> &'static str {
    match provider {
        "openssh" => ".ssh/id_ed25519",
        "pgp" => "keys/secring.asc",
        "putty" => "keys/deploy.ppk",
        "pem-rsa" => "deploy/keys/id_rsa",
        _ => "deploy/keys/service.key",
    }
}

pub fn build(seed: u64) -> Vec<CorpusFile> {
    let mut r = Rng::new(seed);
    let lines = line_syntaxes();
    let blocks = block_syntaxes();
    let mut out = Vec::new();
    for p in providers() {
        match p.shape {
            Shape::Line => {
                let usable: Vec<_> = lines
                    .iter()
                    .filter(|s| s.named || !p.needs_context)
                    .collect();
                for i in distinct(&mut r, usable.len(), LINE_SYNTAXES_PER_PROVIDER) {
                    let s = usable[i];
                    let token = (p.gen)(&mut r);
                    let companion = p.companion.map(|(k, f)| (k.to_string(), f(&mut r)));
                    let mut d = Doc {
                        meta: Some((p.id, p.family, s.name)),
                        ..Doc::default()
                    };
                    (s.render)(&mut r, &mut d, p.env, companion.as_ref(), &token);
                    out.push(CorpusFile {
                        path: s.path.to_string(),
                        text: d.text,
                        plants: d.plants,
                        decoy: None,
                    });
                }
            }
            Shape::Block => {
                for i in distinct(&mut r, blocks.len(), BLOCK_SYNTAXES_PER_PROVIDER) {
                    let s = &blocks[i];
                    let token = (p.gen)(&mut r);
                    let mut d = Doc {
                        meta: Some((p.id, p.family, s.name)),
                        ..Doc::default()
                    };
                    (s.render)(&mut r, &mut d, &token);
                    let path = if s.name == "key-file" {
                        key_file_path(p.id)
                    } else {
                        s.path
                    };
                    out.push(CorpusFile {
                        path: path.to_string(),
                        text: d.text,
                        plants: d.plants,
                        decoy: None,
                    });
                }
            }
        }
    }
    out.extend(documents(&mut r));
    out.extend(decoys(&mut r));
    out
}
