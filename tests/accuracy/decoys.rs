//! Things that look like credentials and are not: placeholders, references, documented
//! examples, hashes, ids, lockfiles, public keys, redacted and low-entropy values, code that
//! merely mentions secrets, data URIs, minified JS, public-by-design keys, truncated tokens and
//! tokens with a wrong checksum. Nothing in these files should be reported.

use super::embed::{line_syntaxes, CorpusFile, Doc};
use super::encode::{
    armor, b64, b64url, bech32, crc32_token, seq, small_int, ssh_string, tlv, wrap,
};
use super::formats::{providers, Shape, Token};
use super::rng::*;

/// A decoy value assigned to a variable (the variable name makes keyword rules look at it).
type ValueDecoy = fn(&mut Rng, &str) -> String;

fn placeholder(r: &mut Rng, var: &str) -> String {
    let options = [
        "YOUR_API_KEY".to_string(),
        "<token>".to_string(),
        format!("<your-{}>", var.to_ascii_lowercase().replace('_', "-")),
        "x".repeat(r.range(16, 40)),
        "changeme".to_string(),
        format!("${{{var}}}"),
        format!("{{{{ {} }}}}", var.to_ascii_lowercase()),
        "sk-proj-...".to_string(),
        format!("sk-ant-api03-{}", "x".repeat(93)),
        format!("ghp_{}", "x".repeat(36)),
        format!("AKIA{}", "X".repeat(16)),
        "your-secret-here".to_string(),
        "REPLACE_ME".to_string(),
        format!("<%= ENV['{var}'] %>"),
        "insert-token-here".to_string(),
        "dummy-token-for-tests".to_string(),
        format!("sk_live_{}", "x".repeat(24)),
        "xoxb-your-bot-token".to_string(),
        "TODO".to_string(),
        format!("{{{{.Values.{}}}}}", var.to_ascii_lowercase()),
        "<REDACTED>".to_string(),
        format!("hf_{}", "X".repeat(34)),
        "sample-api-key-1234".to_string(),
        format!("glpat-{}", "x".repeat(20)),
    ];
    r.pick(&options).clone()
}

fn reference(r: &mut Rng, var: &str) -> String {
    let lower = var.to_ascii_lowercase();
    let options = [
        format!("${{{var}}}"),
        format!("${var}"),
        format!("${{{{ secrets.{var} }}}}"),
        format!("vault:secret/data/prod/app#{lower}"),
        format!("ref+vault://secret/prod/app#/{lower}"),
        format!("op://Production/app/{lower}"),
        format!("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/{lower}-AbCdEf"),
        format!("{{{{ .Values.secrets.{lower} }}}}"),
        format!("%{var}%"),
        format!("doppler://prod/{var}"),
        format!("sops:ENC[AES256_GCM,data:{},type:str]", r.chars(BASE64, 20)),
        format!("azurekeyvault://acme-kv/{lower}"),
    ];
    r.pick(&options).clone()
}

fn known_example(r: &mut Rng, _: &str) -> String {
    // Built by concatenation so this file never holds a complete documented key either.
    let ex = "EXAMPLE";
    let options = [
        format!("AKIAIOSFODNN7{ex}"),
        format!("wJalrXUtnFEMI/K7MDENG/bPxRfiCY{ex}KEY"),
        format!("AKIAI44QH8DHB{ex}"),
        format!("je7MtGbClwBF/2Zp9Utk/h3yCo8nvb{ex}KEY"),
        format!("{}_{}_{}", "sk", "test", "4eC39HqLyjWDarjtT1zdp7dc"),
        // jwt.io's introductory token.
        format!(
            "{}.{}.{}",
            b64url(br#"{"alg":"HS256","typ":"JWT"}"#),
            b64url(br#"{"sub":"1234567890","name":"John Doe","iat":1516239022}"#),
            ["SflKxwRJSMeKKF2QT4fwpMeJf36P", "Ok6yJV_adQssw5c"].concat()
        ),
    ];
    r.pick(&options).clone()
}

/// A digest under the name of a digest. Under a key/token/secret name a digest-length hex
/// value is a key (issue 8: "hashes only when the name does not say token/key/secret"), and
/// under a password name it is reported only at `low`; so the decoy names what it is.
fn hash(r: &mut Rng, _: &str) -> String {
    let len = *r.pick(&[32usize, 40, 64, 128]);
    let name = *r.pick(&[
        "COMMIT_SHA",
        "CONTENT_HASH",
        "ARTIFACT_SHA256",
        "ETAG",
        "BUILD_DIGEST",
    ]);
    format!("{name}{NAMED}{}", r.hex(len))
}

/// A UUID under an identifier's name. Under a key/token/secret name a UUID is a key (Heroku
/// API keys are UUIDs); that case is a planted secret (`generic-uuid-key`), not a decoy.
fn uuid(r: &mut Rng, _: &str) -> String {
    let name = *r.pick(&[
        "REQUEST_ID",
        "TENANT_ID",
        "TRACE_ID",
        "CORRELATION_ID",
        "WORKSPACE_ID",
    ]);
    format!("{name}{NAMED}{}", uuid_value(r))
}

pub fn uuid_value(r: &mut Rng) -> String {
    format!(
        "{}-{}-4{}-a{}-{}",
        r.hex(8),
        r.hex(4),
        r.hex(3),
        r.hex(3),
        r.hex(12)
    )
}

fn redacted(r: &mut Rng, _: &str) -> String {
    let options = [
        format!("sk-...{}", "*".repeat(r.range(4, 20))),
        format!("ghp_{}", "*".repeat(36)),
        format!("sk-proj-{}…{}", r.alnum(4), r.alnum(4)),
        format!("AKIA{}", "*".repeat(16)),
        "xoxb-****-****-****".to_string(),
        "[REDACTED]".to_string(),
        format!("sk-ant-api03-{}", "*".repeat(20)),
        "********".to_string(),
        format!("{}…[redacted]", r.alnum(6)),
    ];
    r.pick(&options).clone()
}

fn low_entropy(r: &mut Rng, _: &str) -> String {
    r.pick(&[
        "test",
        "secret123",
        "password",
        "admin",
        "abc",
        "12345678",
        "password123",
        "secret",
        "test-token",
        "foobar",
        "hunter2",
        "dev",
        "local",
        "guest",
    ])
    .to_string()
}

fn truncated(r: &mut Rng, _: &str) -> String {
    let options = [
        format!("sk-ant-api03-{}", r.chars(URLSAFE, 12)),
        format!("ghp_{}", r.alnum(12)),
        format!("AKIA{}", r.chars(BASE32_UPPER, 8)),
        format!("glpat-{}", r.alnum(8)),
        format!("hf_{}", r.chars(ALPHA, 10)),
        format!("xoxb-{}", r.digits(6)),
        format!("sk-proj-{}", r.alnum(10)),
        format!("npm_{}", r.alnum(10)),
        format!("SG.{}", r.alnum(8)),
    ];
    r.pick(&options).clone()
}

fn wrong_checksum(r: &mut Rng, _: &str) -> String {
    let prefix = *r.pick(&["ghp_", "gho_", "ghs_", "npm_"]);
    let body = r.alnum(30);
    let good = crc32_token(prefix, &body);
    // Change the checksum's last character.
    let mut bad = good.into_bytes();
    let last = bad.len() - 1;
    bad[last] = if bad[last] == b'A' { b'B' } else { b'A' };
    let bad = String::from_utf8(bad).unwrap();
    match r.below(4) {
        0 => {
            // pypi- followed by base64 that is not a macaroon.
            format!("pypi-{}", b64url(&r.bytes(90)))
        }
        1 => {
            // An age key with a broken Bech32 checksum.
            let mut k = bech32("age-secret-key-", &r.bytes(32)).to_uppercase();
            let flip = if k.ends_with('Q') { 'P' } else { 'Q' };
            k.pop();
            k.push(flip);
            k
        }
        _ => bad,
    }
}

fn public_by_design(r: &mut Rng, _: &str) -> String {
    labelled(r, public_by_design_named)
}

/// Public-by-design values under the names projects give them.
fn public_by_design_named(r: &mut Rng) -> (&'static str, String) {
    match r.below(6) {
        0 => (
            "STRIPE_PUBLISHABLE_KEY",
            format!("pk_live_51{}", r.alnum(97)),
        ),
        1 => (
            "GOOGLE_CLIENT_ID",
            format!(
                "{}-{}.apps.googleusercontent.com",
                r.digits(12),
                r.chars(LOWER_ALNUM, 32)
            ),
        ),
        2 => (
            "SENTRY_DSN",
            format!(
                "https://{}@o{}.ingest.sentry.io/{}",
                r.hex(32),
                r.digits(6),
                r.digits(7)
            ),
        ),
        3 => ("TWILIO_ACCOUNT_SID", format!("AC{}", r.hex(32))),
        4 => (
            "GA_MEASUREMENT_ID",
            format!("G-{}", r.chars(UPPER_ALNUM, 10)),
        ),
        _ => ("AGE_RECIPIENT", bech32("age", &r.bytes(32))),
    }
}

fn random_id(r: &mut Rng, _: &str) -> String {
    labelled(r, random_id_named)
}

/// Identifiers that only look random, under their usual names.
fn random_id_named(r: &mut Rng) -> (&'static str, String) {
    match r.below(11) {
        0 => ("USER_ID", r.hex(24)),
        1 => ("IMAGE_DIGEST", format!("sha256:{}", r.hex(64))),
        2 => ("SLACK_CHANNEL_ID", format!("C{}", r.chars(UPPER_ALNUM, 10))),
        3 => ("SLACK_USER_ID", format!("U{}", r.chars(UPPER_ALNUM, 10))),
        4 => ("STRIPE_CUSTOMER_ID", format!("cus_{}", r.alnum(14))),
        5 => ("STRIPE_PRICE_ID", format!("price_1{}", r.alnum(23))),
        6 => (
            "DEPLOY_ROLE_ARN",
            format!("arn:aws:iam::{}:role/{}-deployer", r.digits(12), r.word()),
        ),
        7 => (
            "GCP_LOCATION",
            format!("projects/{}/locations/us-central1", r.digits(12)),
        ),
        8 => ("INSTANCE_ID", format!("i-{}", r.hex(17))),
        9 => ("SECURITY_GROUP_ID", format!("sg-{}", r.hex(17))),
        _ => ("AMI_ID", format!("ami-{}", r.hex(17))),
    }
}

/// Marker joining a variable name and a value for decoys that choose their own name.
const NAMED: char = '\u{1f}';

fn labelled(r: &mut Rng, f: fn(&mut Rng) -> (&'static str, String)) -> String {
    let (var, value) = f(r);
    format!("{var}{NAMED}{value}")
}

fn dev_url(r: &mut Rng, _: &str) -> String {
    let options = [
        "postgres://postgres:postgres@localhost:5432/app_dev".to_string(),
        "mysql://root:root@127.0.0.1:3306/test".to_string(),
        "redis://:password@localhost:6379/0".to_string(),
        "mongodb://user:pass@localhost:27017/test".to_string(),
        "amqp://guest:guest@localhost:5672/".to_string(),
        "postgresql://user:password@db:5432/dbname".to_string(),
        format!("https://user:{}@example.com/repo.git", "${GIT_TOKEN}"),
        "postgres://app:changeme@example.com:5432/app".to_string(),
        format!(
            "postgres://{}:{}@db.internal:5432/app",
            "app", "${DB_PASSWORD}"
        ),
    ];
    r.pick(&options).clone()
}

/// Value decoys keyed by kind, each rendered into a random syntax next to a credential-ish
/// variable name.
fn value_kinds() -> Vec<(&'static str, ValueDecoy, usize)> {
    vec![
        ("placeholder", placeholder as ValueDecoy, 60),
        ("env-or-vault-reference", reference, 50),
        ("documented-example", known_example, 20),
        ("hash-hex", hash, 30),
        ("uuid", uuid, 20),
        ("redacted", redacted, 30),
        ("low-entropy", low_entropy, 40),
        ("truncated", truncated, 30),
        ("wrong-checksum", wrong_checksum, 30),
        ("public-by-design", public_by_design, 30),
        ("random-id", random_id, 30),
        ("dev-or-templated-url", dev_url, 25),
    ]
}

fn decoy_file(path: &str, text: String, kind: &'static str) -> CorpusFile {
    CorpusFile {
        path: path.to_string(),
        text,
        plants: Vec::new(),
        decoy: Some(kind),
    }
}

/// Code that mentions secrets without holding one.
fn mentions(r: &mut Rng) -> String {
    let samples = [
        "password_field = \"user_password\"\nTOKEN_URL = \"https://oauth2.googleapis.com/token\"\nsecret_name = \"prod/db/password\"\n",
        "API_KEY_HEADER = \"X-API-Key\"\nPASSWORD_MIN_LENGTH = 12\ntoken_type = \"Bearer\"\n",
        "class LoginForm(forms.Form):\n    password = forms.CharField(widget=forms.PasswordInput)\n    password_confirm = forms.CharField(label=\"Confirm password\")\n",
        "def get_api_key(self) -> str:\n    return self._api_key\n\n\ndef set_secret(self, secret_value: str) -> None:\n    self._secret = secret_value\n",
        "auth:\n  method: client_secret_post\n  token_endpoint: https://login.microsoftonline.com/common/oauth2/v2.0/token\n",
        "aws_secret_access_key = None\naws_session_token = None\n",
        "echo \"$REGISTRY_PASSWORD\" | docker login ghcr.io -u \"$REGISTRY_USER\" --password-stdin\n",
        "{\n  \"login.password.placeholder\": \"Enter your password\",\n  \"login.token.expired\": \"Your session token has expired\"\n}\n",
        "const token = req.headers.authorization?.split(' ')[1];\nconst secret = await getSecret('stripe/webhook');\n",
        "password: str = Field(..., min_length=8, description=\"The user's password\")\napi_token: Optional[str] = None\n",
        "SECRET_KEY_FALLBACKS = []\nSESSION_COOKIE_SECURE = True\nPASSWORD_HASHERS = [\"django.contrib.auth.hashers.Argon2PasswordHasher\"]\n",
        "private_key_path = \"/etc/ssl/private/server.key\"\nssh_key_file: ~/.ssh/id_ed25519\n",
        "if (password.length < 8) throw new Error('password too short');\nconst passwordHash = await bcrypt.hash(password, 12);\n",
        "- name: GITHUB_TOKEN\n  valueFrom:\n    secretKeyRef:\n      name: github\n      key: token\n",
        "api_key = os.environ[\"OPENAI_API_KEY\"]\ntoken = os.getenv(\"GITHUB_TOKEN\")\nsecret = process.env.STRIPE_SECRET_KEY\n",
        "client = OpenAI(api_key=os.environ.get(\"OPENAI_API_KEY\"))\nanthropic = Anthropic(api_key=settings.ANTHROPIC_API_KEY)\n",
        "GITHUB_TOKEN: ${{ github.token }}\nNPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n",
    ];
    let mut s = String::new();
    for _ in 0..3 {
        s.push_str(r.pick_str(&samples));
        s.push('\n');
    }
    s
}

fn password_hashes(r: &mut Rng) -> String {
    format!(
        "users:\n  - name: admin\n    password_hash: \"$2b$12${}\"\n  - name: ops\n    password_hash: \"$argon2id$v=19$m=65536,t=3,p=4${}${}\"\n  - name: legacy\n    hashed_password: \"{}\"\n",
        r.chars("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 53),
        r.chars(BASE64, 22).replace(['+', '/'], "A"),
        r.chars(BASE64, 43).replace(['+', '/'], "B"),
        r.hex(64)
    )
}

fn git_shas(r: &mut Rng) -> (String, &'static str) {
    match r.below(3) {
        0 => (
            format!(
                "# Changelog\n\n## 2.4.1\n\n- Fix token refresh race ({})\n- Rotate signing secret handling ([{}](https://github.com/acme/api/commit/{}))\n",
                r.hex(7),
                r.hex(7),
                r.hex(40)
            ),
            "CHANGELOG.md",
        ),
        1 => (
            format!(
                "repos:\n  - repo: https://github.com/acme/hooks\n    rev: {}\n    hooks:\n      - id: secrets\n",
                r.hex(40)
            ),
            ".pre-commit-config.yaml",
        ),
        _ => (
            format!(
                "github.com/acme/token v0.0.0-20240101000000-{} h1:{}=\ngithub.com/acme/token v0.0.0-20240101000000-{}/go.mod h1:{}=\n",
                r.hex(12),
                r.chars(BASE64, 43),
                r.hex(12),
                r.chars(BASE64, 43)
            ),
            "go.sum",
        ),
    }
}

fn lockfile(r: &mut Rng) -> (String, &'static str) {
    match r.below(4) {
        0 => (
            format!(
                "{{\n  \"name\": \"web\",\n  \"lockfileVersion\": 3,\n  \"packages\": {{\n    \"node_modules/jsonwebtoken\": {{\n      \"version\": \"9.0.2\",\n      \"resolved\": \"https://registry.npmjs.org/jsonwebtoken/-/jsonwebtoken-9.0.2.tgz\",\n      \"integrity\": \"sha512-{}==\"\n    }}\n  }}\n}}\n",
                r.chars(BASE64, 86)
            ),
            "package-lock.json",
        ),
        1 => (
            format!(
                "[[package]]\nname = \"secrecy\"\nversion = \"0.8.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"{}\"\n",
                r.hex(64)
            ),
            "Cargo.lock",
        ),
        2 => (
            format!(
                "\"keytar@^7.9.0\":\n  version \"7.9.0\"\n  resolved \"https://registry.yarnpkg.com/keytar/-/keytar-7.9.0.tgz#{}\"\n  integrity sha512-{}==\n",
                r.hex(40),
                r.chars(BASE64, 86)
            ),
            "yarn.lock",
        ),
        _ => (
            format!(
                "[[package]]\nname = \"python-dotenv\"\nversion = \"1.0.1\"\nfiles = [\n    {{file = \"python_dotenv-1.0.1-py3-none-any.whl\", hash = \"sha256:{}\"}},\n]\n",
                r.hex(64)
            ),
            "poetry.lock",
        ),
    }
}

fn public_keys(r: &mut Rng) -> (String, &'static str) {
    match r.below(4) {
        0 => {
            let mut spki = vec![
                0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
            ];
            spki.extend([
                0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
            ]);
            spki.extend(r.bytes(64));
            (
                armor("PUBLIC KEY", &spki, 64) + "\n",
                "keys/signing.pub.pem",
            )
        }
        1 => {
            let mut blob = Vec::new();
            ssh_string(&mut blob, b"ssh-rsa");
            ssh_string(&mut blob, &[1, 0, 1]);
            ssh_string(&mut blob, &r.bytes(257));
            (
                format!(
                    "ssh-rsa {} deploy@{}\nssh-ed25519 {} ops@bastion\n",
                    b64(&blob),
                    r.word(),
                    {
                        let mut e = Vec::new();
                        ssh_string(&mut e, b"ssh-ed25519");
                        ssh_string(&mut e, &r.bytes(32));
                        b64(&e)
                    }
                ),
                ".ssh/authorized_keys",
            )
        }
        2 => {
            let cert = seq(&[
                seq(&[
                    tlv(0xa0, &small_int(2)),
                    tlv(0x02, &r.bytes(16)),
                    tlv(0x30, &r.bytes(600)),
                ]),
                tlv(0x30, &r.bytes(12)),
                tlv(0x03, &r.bytes(257)),
            ]);
            (armor("CERTIFICATE", &cert, 64) + "\n", "certs/ca.crt")
        }
        _ => {
            let mut pkt = vec![0xc6, 0x33, 0x04];
            pkt.extend(r.bytes(51));
            let label = "PGP PUBLIC KEY BLOCK";
            (
                format!(
                    "-----BEGIN {label}-----\n\n{}\n-----END {label}-----\n",
                    wrap(&b64(&pkt), 64)
                ),
                "keys/release.asc",
            )
        }
    }
}

fn data_uri(r: &mut Rng) -> (String, &'static str) {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(r.bytes(600));
    if r.chance(50) {
        (
            format!(
                "<img alt=\"logo\" src=\"data:image/png;base64,{}\" />\n",
                b64(&png)
            ),
            "src/components/Logo.html",
        )
    } else {
        (
            format!("@font-face {{\n  font-family: 'Inter';\n  src: url(data:font/woff2;base64,{}) format('woff2');\n}}\n", b64(&r.bytes(900))),
            "static/css/fonts.css",
        )
    }
}

fn minified_js(r: &mut Rng) -> (String, &'static str) {
    let mut s = String::from("!function(e,t){\"use strict\";");
    for _ in 0..40 {
        let a = r.chars(ALPHA, 1);
        let b = r.chars(ALPHA, 2);
        s.push_str(&format!(
            "var {a}{b}=function(n){{return n.apiKey||n.token||\"{}\"}};{a}.secret=t.{b};",
            {
                let n = r.range(3, 12);
                r.chars(ALNUM, n)
            }
        ));
    }
    s.push_str(&format!(
        "}}(window);\n//# sourceMappingURL=data:application/json;base64,{}\n",
        b64(&r.bytes(400))
    ));
    (s, "static/js/app.min.js")
}

/// Wrong-format near misses for private keys: documentation with an elided body.
fn fake_private_key_docs(r: &mut Rng) -> (String, &'static str) {
    let label = *r.pick(&[
        "RSA PRIVATE KEY",
        "PRIVATE KEY",
        "OPENSSH PRIVATE KEY",
        "EC PRIVATE KEY",
    ]);
    (
        format!("## Signing\n\nPut your key in `key.pem`:\n\n```\n-----BEGIN {label}-----\n...\n-----END {label}-----\n```\n"),
        "docs/signing.md",
    )
}

pub fn decoys(r: &mut Rng) -> Vec<CorpusFile> {
    let syntaxes: Vec<_> = line_syntaxes().into_iter().filter(|s| s.named).collect();
    let vars: Vec<&'static str> = providers()
        .iter()
        .filter(|p| p.shape == Shape::Line)
        .map(|p| p.env)
        .chain([
            "DB_PASSWORD",
            "API_TOKEN",
            "CLIENT_SECRET",
            "SECRET_KEY",
            "PASSWORD",
            "AUTH_TOKEN",
        ])
        .collect();
    let mut out = Vec::new();
    for (kind, make, count) in value_kinds() {
        for _ in 0..count {
            let mut var: String = r.pick(&vars).to_string();
            let mut value = make(r, &var);
            if let Some((v, x)) = value.clone().split_once(NAMED) {
                var = v.to_string();
                value = x.to_string();
            }
            let syntax = r.pick(&syntaxes);
            let mut d = Doc::default();
            (syntax.render)(r, &mut d, &var, None, &Token::whole(value));
            out.push(decoy_file(syntax.path, d.text, kind));
        }
    }
    type FileDecoy = fn(&mut Rng) -> (String, &'static str);
    let files: [(&'static str, FileDecoy, usize); 7] = [
        ("git-sha", git_shas, 20),
        ("lockfile-integrity", lockfile, 25),
        ("public-key-or-certificate", public_keys, 25),
        ("data-uri", data_uri, 10),
        ("minified-js", minified_js, 6),
        ("private-key-doc-elided", fake_private_key_docs, 10),
        (
            "password-hash",
            |r| (password_hashes(r), "fixtures/users.yml"),
            10,
        ),
    ];
    for (kind, make, count) in files {
        for _ in 0..count {
            let (text, path) = make(r);
            out.push(decoy_file(path, text, kind));
        }
    }
    for _ in 0..25 {
        let text = mentions(r);
        out.push(decoy_file("src/auth/settings.py", text, "mentions-secret"));
    }
    out
}
