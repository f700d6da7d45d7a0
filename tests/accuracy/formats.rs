//! Fake credentials built from each provider's documented format (prefixes, lengths, alphabets,
//! checksums, structure). Never derived from keyward's rule regexes: the corpus must be able to
//! disagree with the catalogue.

use std::ops::Range;

use super::encode::{
    armor, b64, b64url, bech32, crc24, crc32_token, int, seq, small_int, ssh_string, tlv, wrap,
};
use super::rng::*;

/// A credential as it appears in a file: `text`, of which `secrets` are the sensitive ranges
/// (the whole text for a token, the password of a URL, the key of a connection string).
pub struct Token {
    pub text: String,
    pub secrets: Vec<Range<usize>>,
}

impl Token {
    pub fn whole(text: String) -> Token {
        let n = text.len();
        Token {
            text,
            secrets: std::iter::once(0..n).collect(),
        }
    }

    /// `before` + secret + `after`, with the secret marked.
    pub fn around(before: &str, secret: &str, after: &str) -> Token {
        let start = before.len();
        Token {
            text: format!("{before}{secret}{after}"),
            secrets: std::iter::once(start..start + secret.len()).collect(),
        }
    }
}

/// How a credential is embedded in files.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A one-line value: assigned, passed, exported, put in a header or a map.
    Line,
    /// A multi-line armored block (private keys).
    Block,
}

/// A neighbouring setting: its variable name and a generator for its value.
pub type Companion = (&'static str, fn(&mut Rng) -> String);

pub struct Provider {
    pub id: &'static str,
    /// Substrings (lower case) of a rule id or provider name that count as "the right rule".
    pub family: &'static [&'static str],
    /// The variable name a developer would use.
    pub env: &'static str,
    /// No distinctive prefix: only detectable with a keyword nearby, so it is only embedded in
    /// syntaxes that name the variable.
    pub needs_context: bool,
    /// Another setting that sits next to it in real files (the Azure endpoint, the Twilio SID).
    pub companion: Option<Companion>,
    pub shape: Shape,
    pub gen: fn(&mut Rng) -> Token,
}

const fn p(
    id: &'static str,
    family: &'static [&'static str],
    env: &'static str,
    gen: fn(&mut Rng) -> Token,
) -> Provider {
    Provider {
        id,
        family,
        env,
        needs_context: false,
        companion: None,
        shape: Shape::Line,
        gen,
    }
}

const fn ctx(
    id: &'static str,
    family: &'static [&'static str],
    env: &'static str,
    gen: fn(&mut Rng) -> Token,
) -> Provider {
    Provider {
        needs_context: true,
        ..p(id, family, env, gen)
    }
}

const fn block(
    id: &'static str,
    family: &'static [&'static str],
    gen: fn(&mut Rng) -> Token,
) -> Provider {
    Provider {
        shape: Shape::Block,
        ..p(id, family, "PRIVATE_KEY", gen)
    }
}

fn w(s: String) -> Token {
    Token::whole(s)
}

/// A password a person or a generator would set: letters, digits and a few URL-safe symbols.
pub fn password(r: &mut Rng) -> String {
    loop {
        let len = r.range(14, 24);
        let s = r.chars(
            "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.~!*",
            len,
        );
        let digit = s.bytes().any(|b| b.is_ascii_digit());
        let upper = s.bytes().any(|b| b.is_ascii_uppercase());
        let lower = s.bytes().any(|b| b.is_ascii_lowercase());
        if digit && upper && lower {
            return s;
        }
    }
}

fn openai(r: &mut Rng, kind: &str) -> Token {
    // `T3BlbkFJ` is base64("OpenAI"), a fixed marker in the middle of every modern key.
    let marker = b64(b"OpenAI").trim_end_matches('=').to_string();
    w(format!(
        "sk-{kind}{}{marker}{}",
        r.chars(URLSAFE, 74),
        r.chars(URLSAFE, 74)
    ))
}

fn github(r: &mut Rng, prefix: &str) -> Token {
    let body = r.alnum(30);
    w(crc32_token(&format!("{prefix}_"), &body))
}

fn aws_key_id(r: &mut Rng, prefix: &str) -> String {
    format!("{prefix}{}", r.chars(BASE32_UPPER, 16))
}

fn aws_secret(r: &mut Rng) -> String {
    r.chars(BASE64, 40)
}

fn slack_webhook(r: &mut Rng) -> Token {
    w(format!(
        "https://hooks.slack.com/services/T{}/B{}/{}",
        r.chars(UPPER_ALNUM, 8),
        r.chars(UPPER_ALNUM, 10),
        r.alnum(24)
    ))
}

fn discord_bot(r: &mut Rng) -> Token {
    let id = r.digits(18);
    w(format!(
        "{}.{}.{}",
        b64url(id.as_bytes()),
        r.chars(URLSAFE, 6),
        r.chars(URLSAFE, 38)
    ))
}

fn pypi(r: &mut Rng) -> Token {
    // A v2 macaroon: version byte, location field (pypi.org), identifier, a caveat, signature.
    let mut m = vec![0x02, 0x01, 0x08];
    m.extend_from_slice(b"pypi.org");
    let ident = r.hex(32);
    m.push(0x02);
    m.push(0x20);
    m.extend_from_slice(ident.as_bytes());
    m.push(0x00);
    let caveat = format!(
        "{{\"version\": 1, \"permissions\": {{\"projects\": [\"{}\"]}}}}",
        r.word()
    );
    m.push(0x02);
    m.push(caveat.len() as u8);
    m.extend_from_slice(caveat.as_bytes());
    m.push(0x00);
    m.push(0x00);
    m.push(0x06);
    m.push(0x20);
    m.extend(r.bytes(32));
    w(format!("pypi-{}", b64url(&m)))
}

fn onepassword(r: &mut Rng) -> Token {
    let json = format!(
        concat!(
            "{{\"signInAddress\":\"{}.1password.com\",\"userAuth\":{{\"method\":\"SRPg-4096\",",
            "\"alg\":\"PBES2g-HS256\",\"iterations\":650000,\"salt\":\"{}\"}},",
            "\"email\":\"{}@1passwordserviceaccounts.com\",\"srpX\":\"{}\",",
            "\"muk\":{{\"alg\":\"A256GCM\",\"ext\":true,\"k\":\"{}\",\"key_ops\":[\"encrypt\",\"decrypt\"],",
            "\"kty\":\"oct\",\"kid\":\"mp\"}},\"secretKey\":\"A3-{}-{}-{}\",",
            "\"throttleSecret\":{{\"seed\":\"{}\",\"uuid\":\"{}\"}},\"deviceUuid\":\"{}\"}}"
        ),
        r.word(),
        r.chars(URLSAFE, 22),
        r.chars(LOWER_ALNUM, 13),
        r.hex(64),
        r.chars(URLSAFE, 43),
        r.chars(UPPER_ALNUM, 6),
        r.chars(UPPER_ALNUM, 5),
        r.chars(UPPER_ALNUM, 5),
        r.hex(64),
        r.chars(UPPER_ALNUM, 26),
        r.chars(LOWER_ALNUM, 26),
    );
    w(format!("ops_{}", b64url(json.as_bytes())))
}

fn sentry_org(r: &mut Rng) -> Token {
    let json = format!(
        "{{\"iat\":{},\"url\":\"https://sentry.io\",\"region_url\":\"https://us.sentry.io\",\"org\":\"{}\"}}",
        1_700_000_000 + r.below(50_000_000),
        r.word()
    );
    w(format!(
        "sntrys_{}_{}",
        b64url(json.as_bytes()),
        r.chars(URLSAFE, 43)
    ))
}

fn grafana_cloud(r: &mut Rng) -> Token {
    let json = format!(
        "{{\"o\":\"{}\",\"n\":\"stack-{}-token\",\"k\":\"{}\",\"m\":{{\"r\":\"prod-us-east-0\"}}}}",
        r.digits(6),
        r.digits(6),
        r.alnum(32)
    );
    w(format!(
        "glc_{}",
        b64(json.as_bytes()).trim_end_matches('=')
    ))
}

fn bedrock(r: &mut Rng) -> Token {
    // Long-term keys: `ABSK` + base64 of `BedrockAPIKey-<id>-at-<account>:<secret>`, 109-269
    // characters after the prefix.
    let n = r.range(60, 120);
    let inner = format!(
        "BedrockAPIKey-{}-at-{}:{}",
        r.chars(LOWER_ALNUM, 4),
        r.digits(12),
        r.chars(BASE64, n)
    );
    w(format!("ABSK{}", b64(inner.as_bytes())))
}

fn jwt(r: &mut Rng) -> Token {
    let alg = *r.pick(&["HS256", "RS256", "ES256"]);
    let header = format!("{{\"alg\":\"{alg}\",\"typ\":\"JWT\"}}");
    let iat = 1_700_000_000 + r.below(40_000_000);
    let payload = format!(
        "{{\"sub\":\"{}\",\"iss\":\"https://auth.{}.io\",\"aud\":\"api\",\"role\":\"service\",\"iat\":{iat},\"exp\":{}}}",
        r.digits(9),
        r.word(),
        iat + 31_536_000
    );
    let sig_len = if alg == "HS256" { 32 } else { 256 };
    w(format!(
        "{}.{}.{}",
        b64url(header.as_bytes()),
        b64url(payload.as_bytes()),
        b64url(&r.bytes(sig_len))
    ))
}

fn url_with_password(before: &str, pw: &str, after: &str) -> Token {
    Token::around(before, pw, after)
}

fn host(r: &mut Rng, suffix: &str) -> String {
    format!("{}-{}.{suffix}", r.word(), r.chars(LOWER_ALNUM, 5))
}

// --- private keys -------------------------------------------------------------------------------

fn rsa_der(r: &mut Rng, bits: usize) -> Vec<u8> {
    let n = bits / 8;
    let mut modulus = r.bytes(n);
    modulus[0] |= 0x80;
    seq(&[
        small_int(0),
        int(&modulus),
        int(&[0x01, 0x00, 0x01]),
        int(&r.bytes(n)),
        int(&r.bytes(n / 2)),
        int(&r.bytes(n / 2)),
        int(&r.bytes(n / 2)),
        int(&r.bytes(n / 2)),
        int(&r.bytes(n / 2)),
    ])
}

fn ec_der(r: &mut Rng) -> Vec<u8> {
    let oid_p256 = tlv(0x06, &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]);
    let mut point = vec![0x00, 0x04];
    point.extend(r.bytes(64));
    seq(&[
        small_int(1),
        tlv(0x04, &r.bytes(32)),
        tlv(0xa0, &oid_p256),
        tlv(0xa1, &tlv(0x03, &point)),
    ])
}

fn pkcs8(algo: Vec<u8>, key: Vec<u8>) -> Vec<u8> {
    seq(&[small_int(0), algo, tlv(0x04, &key)])
}

fn pkcs8_rsa(r: &mut Rng) -> Vec<u8> {
    let oid = tlv(
        0x06,
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01],
    );
    pkcs8(seq(&[oid, vec![0x05, 0x00]]), rsa_der(r, 2048))
}

fn pkcs8_ed25519(r: &mut Rng) -> Vec<u8> {
    let oid = tlv(0x06, &[0x2b, 0x65, 0x70]);
    pkcs8(seq(&[oid]), tlv(0x04, &r.bytes(32)))
}

fn openssh(r: &mut Rng) -> String {
    let mut pubkey = Vec::new();
    ssh_string(&mut pubkey, b"ssh-ed25519");
    let pk = r.bytes(32);
    ssh_string(&mut pubkey, &pk);
    let check = r.bytes(4);
    let mut private = Vec::new();
    private.extend(&check);
    private.extend(&check);
    ssh_string(&mut private, b"ssh-ed25519");
    ssh_string(&mut private, &pk);
    let mut sk = r.bytes(32);
    sk.extend(&pk);
    ssh_string(&mut private, &sk);
    ssh_string(&mut private, format!("deploy@{}", r.word()).as_bytes());
    let mut pad = 1u8;
    while private.len() % 8 != 0 {
        private.push(pad);
        pad += 1;
    }
    let mut blob = b"openssh-key-v1\0".to_vec();
    ssh_string(&mut blob, b"none");
    ssh_string(&mut blob, b"none");
    ssh_string(&mut blob, b"");
    blob.extend(1u32.to_be_bytes());
    ssh_string(&mut blob, &pubkey);
    ssh_string(&mut blob, &private);
    armor("OPENSSH PRIVATE KEY", &blob, 70)
}

fn pgp(r: &mut Rng) -> String {
    // A secret-key packet (new format, tag 5) with a v4 EdDSA key; content past the header is
    // random, which is all a scanner can see anyway.
    let mut pkt = vec![0xc5, 0x58, 0x04];
    pkt.extend(r.bytes(87));
    let crc = crc24(&pkt);
    let label = "PGP PRIVATE KEY BLOCK";
    format!(
        "-----BEGIN {label}-----\n\n{}\n={}\n-----END {label}-----",
        wrap(&b64(&pkt), 64),
        b64(&crc)
    )
}

fn putty(r: &mut Rng) -> String {
    let mut pubkey = Vec::new();
    ssh_string(&mut pubkey, b"ssh-ed25519");
    ssh_string(&mut pubkey, &r.bytes(32));
    let mut private = Vec::new();
    ssh_string(&mut private, &r.bytes(32));
    let header = "PuTTY-User-Key-File-3";
    format!(
        "{header}: ssh-ed25519\nEncryption: none\nComment: ed25519-key-2024{}\nPublic-Lines: 2\n{}\nPrivate-Lines: 1\n{}\nPrivate-MAC: {}",
        r.digits(4),
        wrap(&b64(&pubkey), 64),
        b64(&private),
        r.hex(64)
    )
}

fn age(r: &mut Rng) -> String {
    bech32("age-secret-key-", &r.bytes(32)).to_uppercase()
}

/// Every provider in the corpus, about a hundred credential kinds.
pub fn providers() -> Vec<Provider> {
    vec![
        // --- AI / LLM providers and agent platforms ---
        p("openai-project", &["openai"], "OPENAI_API_KEY", |r| {
            openai(r, "proj-")
        }),
        p(
            "openai-service-account",
            &["openai"],
            "OPENAI_API_KEY",
            |r| openai(r, "svcacct-"),
        ),
        p("openai-admin", &["openai"], "OPENAI_ADMIN_KEY", |r| {
            openai(r, "admin-")
        }),
        p("openai-legacy", &["openai"], "OPENAI_API_KEY", |r| {
            let marker = b64(b"OpenAI").trim_end_matches('=').to_string();
            w(format!("sk-{}{marker}{}", r.alnum(20), r.alnum(20)))
        }),
        p("anthropic-api", &["anthropic"], "ANTHROPIC_API_KEY", |r| {
            w(format!("sk-ant-api03-{}AA", r.chars(URLSAFE, 93)))
        }),
        p(
            "anthropic-admin",
            &["anthropic"],
            "ANTHROPIC_ADMIN_KEY",
            |r| w(format!("sk-ant-admin01-{}AA", r.chars(URLSAFE, 93))),
        ),
        p("huggingface", &["hugging"], "HF_TOKEN", |r| {
            w(format!("hf_{}", r.chars(ALPHA, 34)))
        }),
        p("google-api", &["google", "gcp"], "GOOGLE_API_KEY", |r| {
            w(format!("AIza{}", r.chars(URLSAFE, 35)))
        }),
        p(
            "gemini",
            &["google", "gcp", "gemini"],
            "GEMINI_API_KEY",
            |r| w(format!("AIza{}", r.chars(URLSAFE, 35))),
        ),
        Provider {
            companion: Some(("AZURE_OPENAI_ENDPOINT", |r| {
                format!(
                    "https://{}-{}.openai.azure.com/",
                    r.word(),
                    r.chars(LOWER_ALNUM, 4)
                )
            })),
            ..ctx(
                "azure-openai",
                &["azure-openai", "azure_openai", "azure openai"],
                "AZURE_OPENAI_API_KEY",
                |r| w(r.hex(32)),
            )
        },
        p("xai", &["xai"], "XAI_API_KEY", |r| {
            w(format!("xai-{}", r.alnum(80)))
        }),
        p("groq", &["groq"], "GROQ_API_KEY", |r| {
            w(format!("gsk_{}", r.alnum(52)))
        }),
        p("openrouter", &["openrouter"], "OPENROUTER_API_KEY", |r| {
            w(format!("sk-or-v1-{}", r.hex(64)))
        }),
        p("perplexity", &["perplexity"], "PERPLEXITY_API_KEY", |r| {
            w(format!("pplx-{}", r.alnum(48)))
        }),
        ctx("cohere", &["cohere"], "COHERE_API_KEY", |r| w(r.alnum(40))),
        p("replicate", &["replicate"], "REPLICATE_API_TOKEN", |r| {
            w(format!("r8_{}", r.alnum(37)))
        }),
        ctx("mistral", &["mistral"], "MISTRAL_API_KEY", |r| {
            w(r.alnum(32))
        }),
        p(
            "langsmith",
            &["langsmith", "langchain"],
            "LANGSMITH_API_KEY",
            |r| {
                let kind = *r.pick(&["pt", "sk"]);
                w(format!("lsv2_{kind}_{}_{}", r.hex(32), r.hex(10)))
            },
        ),
        p("nvidia", &["nvidia"], "NVIDIA_API_KEY", |r| {
            w(format!("nvapi-{}", r.chars(URLSAFE, 64)))
        }),
        ctx("elevenlabs", &["elevenlabs"], "ELEVENLABS_API_KEY", |r| {
            w(format!("sk_{}", r.hex(48)))
        }),
        p("tavily", &["tavily"], "TAVILY_API_KEY", |r| {
            let dev = if r.chance(50) { "dev-" } else { "" };
            w(format!("tvly-{dev}{}", r.alnum(32)))
        }),
        p("jina", &["jina"], "JINA_API_KEY", |r| {
            w(format!("jina_{}", r.alnum(60)))
        }),
        p("firecrawl", &["firecrawl"], "FIRECRAWL_API_KEY", |r| {
            w(format!("fc-{}", r.hex(32)))
        }),
        // --- AWS ---
        Provider {
            companion: Some(("AWS_ACCESS_KEY_ID", |r| aws_key_id(r, "AKIA"))),
            ..p("aws-secret-key", &["aws"], "AWS_SECRET_ACCESS_KEY", |r| {
                w(aws_secret(r))
            })
        },
        p("aws-access-key-id", &["aws"], "AWS_ACCESS_KEY_ID", |r| {
            w(aws_key_id(r, "AKIA"))
        }),
        p("aws-sts-key-id", &["aws"], "AWS_ACCESS_KEY_ID", |r| {
            w(aws_key_id(r, "ASIA"))
        }),
        p("aws-session-token", &["aws"], "AWS_SESSION_TOKEN", |r| {
            // STS session tokens are base64 blobs; current ones start with the encoded
            // `\x02\x0a\x09origin_ec` header.
            let mut blob = b"\x02\x0a\x09origin_ec".to_vec();
            let n = r.range(300, 420);
            blob.extend(r.bytes(n));
            w(b64(&blob))
        }),
        p(
            "aws-bedrock",
            &["aws", "bedrock"],
            "AWS_BEARER_TOKEN_BEDROCK",
            bedrock,
        ),
        // --- GCP / Azure ---
        p(
            "gcp-oauth-client-secret",
            &["google", "gcp"],
            "GOOGLE_CLIENT_SECRET",
            |r| w(format!("GOCSPX-{}", r.chars(URLSAFE, 28))),
        ),
        p(
            "azure-entra-client-secret",
            &["azure", "entra"],
            "AZURE_CLIENT_SECRET",
            |r| {
                w(format!(
                    "{}8Q~{}",
                    r.alnum(3),
                    r.chars(
                        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_~.-",
                        34
                    )
                ))
            },
        ),
        p(
            "azure-storage-connection-string",
            &["azure"],
            "AZURE_STORAGE_CONNECTION_STRING",
            |r| {
                let account = format!("{}{}", r.word(), r.digits(3));
                let key = b64(&r.bytes(64));
                Token::around(
                    &format!("DefaultEndpointsProtocol=https;AccountName={account};AccountKey="),
                    &key,
                    ";EndpointSuffix=core.windows.net",
                )
            },
        ),
        p(
            "azure-devops-pat",
            &["azure", "devops"],
            "AZURE_DEVOPS_PAT",
            |r| {
                // Identifiable 84-char format: 52 random, the `JQQJ9` signature, a version
                // character, 16 more, the `AZDO` provider signature and a 4-char checksum.
                w(format!(
                    "{}JQQJ9{}{}{}{}AZDO{}",
                    r.alnum(52),
                    r.pick(&["9", "D", "H"]),
                    r.alnum(1),
                    r.chars("ABCDEFGHIJKL", 1),
                    r.alnum(16),
                    r.alnum(4)
                ))
            },
        ),
        ctx(
            "azure-devops-pat-legacy",
            &["azure", "devops"],
            "AZURE_DEVOPS_PAT",
            |r| w(r.chars(BASE32_LOWER, 52)),
        ),
        // --- source hosting, registries, CI ---
        p("github-pat-classic", &["github"], "GITHUB_TOKEN", |r| {
            github(r, "ghp")
        }),
        p("github-oauth", &["github"], "GITHUB_OAUTH_TOKEN", |r| {
            github(r, "gho")
        }),
        p("github-user-to-server", &["github"], "GH_USER_TOKEN", |r| {
            github(r, "ghu")
        }),
        p(
            "github-server-to-server",
            &["github"],
            "GH_APP_TOKEN",
            |r| github(r, "ghs"),
        ),
        p("github-refresh", &["github"], "GH_REFRESH_TOKEN", |r| {
            github(r, "ghr")
        }),
        p("github-fine-grained", &["github"], "GITHUB_PAT", |r| {
            w(format!("github_pat_{}_{}", r.alnum(22), r.alnum(59)))
        }),
        p("gitlab-pat", &["gitlab"], "GITLAB_TOKEN", |r| {
            w(format!("glpat-{}", r.chars(URLSAFE, 20)))
        }),
        p("gitlab-pat-routable", &["gitlab"], "GITLAB_TOKEN", |r| {
            w(format!(
                "glpat-{}.01.{}",
                r.chars(URLSAFE, 36),
                r.chars(LOWER_ALNUM, 9)
            ))
        }),
        p(
            "gitlab-pipeline-trigger",
            &["gitlab"],
            "GITLAB_TRIGGER_TOKEN",
            |r| w(format!("glptt-{}", r.hex(40))),
        ),
        p(
            "gitlab-deploy-token",
            &["gitlab"],
            "GITLAB_DEPLOY_TOKEN",
            |r| w(format!("gldt-{}", r.chars(URLSAFE, 20))),
        ),
        p("gitlab-runner-token", &["gitlab"], "CI_RUNNER_TOKEN", |r| {
            w(format!("glrt-{}", r.chars(URLSAFE, 20)))
        }),
        p(
            "gitlab-oauth-secret",
            &["gitlab"],
            "GITLAB_OAUTH_SECRET",
            |r| w(format!("gloas-{}", r.hex(64))),
        ),
        p(
            "bitbucket-app-password",
            &["bitbucket", "atlassian"],
            "BITBUCKET_APP_PASSWORD",
            |r| w(format!("ATBB{}", r.alnum(32))),
        ),
        p("npm", &["npm"], "NPM_TOKEN", |r| {
            let body = r.alnum(30);
            w(crc32_token("npm_", &body))
        }),
        p("pypi", &["pypi"], "PYPI_API_TOKEN", pypi),
        ctx("crates-io", &["crates"], "CARGO_REGISTRY_TOKEN", |r| {
            w(format!("cio{}", r.alnum(32)))
        }),
        p("dockerhub-pat", &["docker"], "DOCKERHUB_TOKEN", |r| {
            w(format!("dckr_pat_{}", r.chars(URLSAFE, 27)))
        }),
        p("dockerhub-oat", &["docker"], "DOCKER_ORG_TOKEN", |r| {
            w(format!("dckr_oat_{}", r.chars(URLSAFE, 32)))
        }),
        p("circleci", &["circleci"], "CIRCLECI_TOKEN", |r| {
            w(format!("CCIPAT_{}_{}", r.alnum(22), r.hex(40)))
        }),
        p("buildkite", &["buildkite"], "BUILDKITE_API_TOKEN", |r| {
            w(format!("bkua_{}", r.hex(40)))
        }),
        p(
            "terraform-cloud",
            &["terraform", "hashicorp"],
            "TFE_TOKEN",
            |r| w(format!("{}.atlasv1.{}", r.alnum(14), r.alnum(67))),
        ),
        p("pulumi", &["pulumi"], "PULUMI_ACCESS_TOKEN", |r| {
            w(format!("pul-{}", r.hex(40)))
        }),
        p(
            "vault-service-token",
            &["vault", "hashicorp"],
            "VAULT_TOKEN",
            |r| {
                if r.chance(50) {
                    w(format!("hvs.{}", r.chars(URLSAFE, 24)))
                } else {
                    w(format!("hvs.CAESI{}", r.chars(URLSAFE, 86)))
                }
            },
        ),
        p(
            "vault-batch-token",
            &["vault", "hashicorp"],
            "VAULT_TOKEN",
            |r| w(format!("hvb.AAAAAQ{}", r.chars(URLSAFE, 130))),
        ),
        ctx(
            "openbao-token",
            &["vault", "openbao", "bao"],
            "BAO_TOKEN",
            |r| w(format!("s.{}", r.alnum(24))),
        ),
        p("doppler", &["doppler"], "DOPPLER_TOKEN", |r| {
            let kind = *r.pick(&["dp.pt.", "dp.st.prd.", "dp.sa.", "dp.ct."]);
            w(format!("{kind}{}", r.alnum(43)))
        }),
        p(
            "1password-service-account",
            &["1password", "onepassword"],
            "OP_SERVICE_ACCOUNT_TOKEN",
            onepassword,
        ),
        // --- messaging and email ---
        p("slack-bot", &["slack"], "SLACK_BOT_TOKEN", |r| {
            w(format!(
                "xoxb-{}-{}-{}",
                r.digits(12),
                r.digits(13),
                r.alnum(24)
            ))
        }),
        p("slack-user", &["slack"], "SLACK_USER_TOKEN", |r| {
            w(format!(
                "xoxp-{}-{}-{}-{}",
                r.digits(12),
                r.digits(12),
                r.digits(13),
                r.hex(32)
            ))
        }),
        p("slack-app", &["slack"], "SLACK_APP_TOKEN", |r| {
            w(format!(
                "xapp-1-A{}-{}-{}",
                r.chars(UPPER_ALNUM, 10),
                r.digits(13),
                r.hex(64)
            ))
        }),
        p(
            "slack-webhook",
            &["slack"],
            "SLACK_WEBHOOK_URL",
            slack_webhook,
        ),
        p(
            "discord-bot",
            &["discord"],
            "DISCORD_BOT_TOKEN",
            discord_bot,
        ),
        p(
            "discord-webhook",
            &["discord"],
            "DISCORD_WEBHOOK_URL",
            |r| {
                w(format!(
                    "https://discord.com/api/webhooks/{}/{}",
                    r.digits(19),
                    r.chars(URLSAFE, 68)
                ))
            },
        ),
        p("telegram-bot", &["telegram"], "TELEGRAM_BOT_TOKEN", |r| {
            w(format!("{}:AA{}", r.digits(10), r.chars(URLSAFE, 33)))
        }),
        Provider {
            companion: Some(("TWILIO_ACCOUNT_SID", |r| format!("AC{}", r.hex(32)))),
            ..ctx("twilio-auth-token", &["twilio"], "TWILIO_AUTH_TOKEN", |r| {
                w(r.hex(32))
            })
        },
        p("twilio-api-key", &["twilio"], "TWILIO_API_KEY", |r| {
            w(format!("SK{}", r.hex(32)))
        }),
        p("sendgrid", &["sendgrid"], "SENDGRID_API_KEY", |r| {
            w(format!(
                "SG.{}.{}",
                r.chars(URLSAFE, 22),
                r.chars(URLSAFE, 43)
            ))
        }),
        p("mailgun", &["mailgun"], "MAILGUN_API_KEY", |r| {
            if r.chance(50) {
                w(format!("key-{}", r.hex(32)))
            } else {
                w(format!("{}-{}-{}", r.hex(32), r.hex(8), r.hex(8)))
            }
        }),
        p("mailchimp", &["mailchimp"], "MAILCHIMP_API_KEY", |r| {
            w(format!("{}-us{}", r.hex(32), r.range(1, 21)))
        }),
        // --- payments and commerce ---
        p("stripe-secret", &["stripe"], "STRIPE_SECRET_KEY", |r| {
            w(format!("sk_live_51{}", r.alnum(97)))
        }),
        p(
            "stripe-restricted",
            &["stripe"],
            "STRIPE_RESTRICTED_KEY",
            |r| w(format!("rk_live_51{}", r.alnum(97))),
        ),
        p(
            "stripe-webhook-secret",
            &["stripe"],
            "STRIPE_WEBHOOK_SECRET",
            |r| w(format!("whsec_{}", r.alnum(32))),
        ),
        p(
            "square-access-token",
            &["square"],
            "SQUARE_ACCESS_TOKEN",
            |r| w(format!("EAAA{}", r.chars(URLSAFE, 60))),
        ),
        p(
            "square-oauth-secret",
            &["square"],
            "SQUARE_APPLICATION_SECRET",
            |r| w(format!("sq0csp-{}", r.chars(URLSAFE, 43))),
        ),
        p("shopify", &["shopify"], "SHOPIFY_ACCESS_TOKEN", |r| {
            let kind = *r.pick(&["shpat_", "shpss_", "shpca_", "shppa_"]);
            w(format!("{kind}{}", r.hex(32)))
        }),
        // --- observability and SaaS ---
        ctx("datadog-api-key", &["datadog"], "DD_API_KEY", |r| {
            w(r.hex(32))
        }),
        ctx("datadog-app-key", &["datadog"], "DD_APP_KEY", |r| {
            w(r.hex(40))
        }),
        p(
            "newrelic-user-key",
            &["newrelic", "new relic", "new-relic"],
            "NEW_RELIC_API_KEY",
            |r| w(format!("NRAK-{}", r.chars(UPPER_ALNUM, 27))),
        ),
        p(
            "newrelic-license-key",
            &["newrelic", "new relic", "new-relic"],
            "NEW_RELIC_LICENSE_KEY",
            |r| w(format!("{}NRAL", r.hex(36))),
        ),
        p(
            "sentry-org-token",
            &["sentry"],
            "SENTRY_AUTH_TOKEN",
            sentry_org,
        ),
        p("sentry-user-token", &["sentry"], "SENTRY_AUTH_TOKEN", |r| {
            w(format!("sntryu_{}", r.hex(64)))
        }),
        p(
            "grafana-service-account",
            &["grafana"],
            "GRAFANA_TOKEN",
            |r| w(format!("glsa_{}_{}", r.alnum(32), r.hex(8))),
        ),
        p(
            "grafana-cloud",
            &["grafana"],
            "GRAFANA_CLOUD_TOKEN",
            grafana_cloud,
        ),
        p("databricks", &["databricks"], "DATABRICKS_TOKEN", |r| {
            let suffix = if r.chance(50) { "-2" } else { "" };
            w(format!("dapi{}{suffix}", r.hex(32)))
        }),
        p(
            "digitalocean",
            &["digitalocean"],
            "DIGITALOCEAN_TOKEN",
            |r| {
                let kind = *r.pick(&["dop", "doo", "dor"]);
                w(format!("{kind}_v1_{}", r.hex(64)))
            },
        ),
        p("heroku", &["heroku"], "HEROKU_API_KEY", |r| {
            w(format!("HRKU-AA{}", r.chars(URLSAFE, 58)))
        }),
        ctx("heroku-legacy", &["heroku"], "HEROKU_API_KEY", |r| {
            w(format!(
                "{}-{}-{}-{}-{}",
                r.hex(8),
                r.hex(4),
                r.hex(4),
                r.hex(4),
                r.hex(12)
            ))
        }),
        p(
            "atlassian-api-token",
            &["atlassian", "jira", "confluence"],
            "JIRA_API_TOKEN",
            |r| {
                w(format!(
                    "ATATT3xFfGF0{}={}",
                    r.chars(URLSAFE, 174),
                    r.chars(HEX_UPPER, 8)
                ))
            },
        ),
        p("linear", &["linear"], "LINEAR_API_KEY", |r| {
            w(format!("lin_api_{}", r.alnum(40)))
        }),
        p("notion", &["notion"], "NOTION_TOKEN", |r| {
            if r.chance(50) {
                w(format!("ntn_{}{}", r.digits(11), r.alnum(35)))
            } else {
                w(format!("secret_{}", r.alnum(43)))
            }
        }),
        p("postman", &["postman"], "POSTMAN_API_KEY", |r| {
            w(format!("PMAK-{}-{}", r.hex(24), r.hex(34)))
        }),
        // --- private keys ---
        block("pem-rsa", &["private", "rsa", "pem"], |r| {
            let der = rsa_der(r, 2048);
            w(armor("RSA PRIVATE KEY", &der, 64))
        }),
        block("pem-ec", &["private", "ec", "pem"], |r| {
            let der = ec_der(r);
            w(armor("EC PRIVATE KEY", &der, 64))
        }),
        block("pem-pkcs8-rsa", &["private", "pkcs8", "pem"], |r| {
            let der = pkcs8_rsa(r);
            w(armor("PRIVATE KEY", &der, 64))
        }),
        block("pem-pkcs8-ed25519", &["private", "pkcs8", "pem"], |r| {
            let der = pkcs8_ed25519(r);
            w(armor("PRIVATE KEY", &der, 64))
        }),
        block("openssh", &["private", "openssh", "ssh"], |r| w(openssh(r))),
        block("pgp", &["private", "pgp"], |r| w(pgp(r))),
        block("putty", &["private", "putty", "ppk"], |r| w(putty(r))),
        p("age", &["age"], "AGE_SECRET_KEY", |r| w(age(r))),
        // --- JWT, URLs with passwords, framework secrets, generic assignments ---
        p("jwt", &["jwt"], "AUTH_TOKEN", jwt),
        p(
            "postgres-url",
            &["postgres", "database", "db", "url", "uri", "connection"],
            "DATABASE_URL",
            |r| {
                let pw = password(r);
                let h = host(r, "rds.amazonaws.com");
                url_with_password(
                    &format!("postgresql://app_{}:", r.word()),
                    &pw,
                    &format!("@{h}:5432/{}?sslmode=require", r.word()),
                )
            },
        ),
        p(
            "mysql-url",
            &["mysql", "database", "db", "url", "uri", "connection"],
            "MYSQL_URL",
            |r| {
                let pw = password(r);
                let h = host(r, "db.internal");
                url_with_password("mysql://admin:", &pw, &format!("@{h}:3306/{}", r.word()))
            },
        ),
        p(
            "mongodb-srv-url",
            &["mongo", "database", "db", "url", "uri", "connection"],
            "MONGODB_URI",
            |r| {
                let pw = password(r);
                let cluster = r.chars(LOWER_ALNUM, 5);
                url_with_password(
                    &format!("mongodb+srv://{}-svc:", r.word()),
                    &pw,
                    &format!("@cluster0.{cluster}.mongodb.net/app?retryWrites=true&w=majority"),
                )
            },
        ),
        p(
            "redis-url",
            &["redis", "database", "db", "url", "uri", "connection"],
            "REDIS_URL",
            |r| {
                let pw = password(r);
                let h = host(r, "cache.amazonaws.com");
                url_with_password("rediss://default:", &pw, &format!("@{h}:6380/0"))
            },
        ),
        p(
            "amqp-url",
            &["amqp", "rabbit", "broker", "url", "uri", "connection"],
            "AMQP_URL",
            |r| {
                let pw = password(r);
                let h = host(r, "mq.internal");
                url_with_password("amqps://orders:", &pw, &format!("@{h}:5671/prod"))
            },
        ),
        p(
            "jdbc-url",
            &["jdbc", "database", "db", "url", "connection"],
            "JDBC_URL",
            |r| {
                let pw = password(r);
                let h = host(r, "db.internal");
                if r.chance(50) {
                    url_with_password(
                        &format!("jdbc:postgresql://{h}:5432/app?user=app&password="),
                        &pw,
                        "&ssl=true",
                    )
                } else {
                    url_with_password(
                        &format!(
                            "jdbc:sqlserver://{h}:1433;databaseName=app;user=svc_app;password="
                        ),
                        &pw,
                        ";encrypt=true;",
                    )
                }
            },
        ),
        p(
            "odbc-mssql",
            &["mssql", "sqlserver", "odbc", "database", "db", "connection"],
            "SQL_CONNECTION_STRING",
            |r| {
                let pw = password(r);
                let server = r.word();
                url_with_password(
                &format!("Server=tcp:{server}-sql.database.windows.net,1433;Initial Catalog=app;Persist Security Info=False;User ID=sqladmin;Password="),
                &pw,
                ";MultipleActiveResultSets=False;Encrypt=True;",
            )
            },
        ),
        p(
            "basic-auth-url",
            &["url", "basic", "uri", "credential", "password"],
            "REGISTRY_URL",
            |r| {
                let pw = password(r);
                let h = host(r, "jfrog.io");
                url_with_password(
                    &format!("https://ci-{}:", r.word()),
                    &pw,
                    &format!("@{h}/artifactory/api/npm/npm-remote/"),
                )
            },
        ),
        ctx("django-secret-key", &["django"], "SECRET_KEY", |r| {
            let body = r.chars("abcdefghijklmnopqrstuvwxyz0123456789!@#%^&*(-_=+)", 50);
            if r.chance(50) {
                w(format!("django-insecure-{body}"))
            } else {
                w(body)
            }
        }),
        ctx(
            "rails-secret-key-base",
            &["rails", "secret_key_base", "secret-key-base"],
            "SECRET_KEY_BASE",
            |r| w(r.hex(128)),
        ),
        ctx(
            "generic-password",
            &["generic", "password"],
            "DB_PASSWORD",
            |r| w(password(r)),
        ),
        ctx(
            "generic-secret",
            &["generic", "secret"],
            "CLIENT_SECRET",
            |r| w(r.chars(URLSAFE, 32)),
        ),
        ctx(
            "generic-api-token",
            &["generic", "token", "api"],
            "API_TOKEN",
            |r| w(r.alnum(40)),
        ),
        ctx(
            "generic-uuid-key",
            &["generic", "key", "api"],
            "SERVICE_API_KEY",
            |r| w(super::decoys::uuid_value(r)),
        ),
    ]
}
