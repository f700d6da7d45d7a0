//! The syntax reader through the real binary: credentials written as ordinary assignments are
//! found in the syntax each file uses, the shapes that are not credentials (struct fields,
//! type annotations, pagination tokens, redaction markers, hashes) are not, env-file syntax
//! counts only in env and configuration files, and person-chosen passwords are `low`.
//! Values are built at run time so this file scans clean.

mod common;

use std::{collections::BTreeSet, fs, path::Path};

use common::{fake::base62, scan::kw, stdout};

/// `(path, line, rule)` of every finding `keyward scan` reports in `dir`.
fn findings(dir: &Path, extra: &[&str]) -> BTreeSet<(String, u64, String)> {
    let mut args = vec!["scan", "--no-baseline", "--format", "json"];
    args.extend_from_slice(extra);
    args.push(".");
    let o = kw(dir, &args);
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(&o)));
    let root = dir.canonicalize().unwrap();
    let relative = |p: &str| {
        let p = Path::new(p);
        let p = p
            .strip_prefix(&root)
            .or_else(|_| p.strip_prefix(dir))
            .unwrap_or(p);
        p.strip_prefix(".")
            .unwrap_or(p)
            .to_string_lossy()
            .into_owned()
    };
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                relative(f["path"].as_str().unwrap()),
                f["start"]["line"].as_u64().unwrap(),
                f["rule_id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn has(set: &BTreeSet<(String, u64, String)>, path: &str, line: u64, rule: &str) -> bool {
    set.contains(&(path.to_string(), line, rule.to_string()))
}

#[test]
fn assignments_in_real_syntaxes_are_found_and_code_shapes_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let v = |seed| base62(seed, 24);
    let uuid = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
    write(
        dir.path(),
        "app/settings.py",
        &format!(
            "import os\n\
             DB_PASSWORD: str = \"{}\"\n\
             token = os.getenv(\"SERVICE_TOKEN\", \"{}\")\n\
             BILLING_API_KEY = \"{uuid}\"\n\
             PAYLOAD = \"{{\\\"access_token\\\": \\\"{}\\\"}}\"\n",
            v(1),
            v(2),
            v(3)
        ),
    );
    write(
        dir.path(),
        "internal/aws.go",
        &format!(
            "package aws\n\
             var signingKey string = \"{}\"\n\
             func f() {{\n\
             \tc := Creds{{\n\
             \t\tSessionToken: creds.SessionToken,\n\
             \t\tNextToken: \"{}\",\n\
             \t}}\n\
             }}\n",
            v(4),
            v(5)
        ),
    );
    write(
        dir.path(),
        "web/config.ts",
        &format!(
            "export const cfg = {{\n\
             \x20 password: options.password,\n\
             \x20 apiKey: process.env.API_KEY || '{}',\n\
             \x20 secret: '[FILTERED]',\n\
             }};\n\
             type Card = {{ cvc_token: NotRequired<string> }};\n",
            v(6)
        ),
    );
    write(
        dir.path(),
        "conf/app.xml",
        &format!("<config>\n  <apiKey>{}</apiKey>\n</config>\n", v(7)),
    );
    write(
        dir.path(),
        "deploy/.env",
        &format!("DB_PASSWORD={}\nTOKEN_TTL=3600\n", v(8)),
    );
    // The same env-file line in source code is an expression, not a value.
    write(
        dir.path(),
        "src/lib.rs",
        &format!("// DB_PASSWORD={}\nlet api_key = key_from(env);\n", v(9)),
    );
    let found = findings(dir.path(), &[]);
    let want = [
        ("app/settings.py", 2),
        ("app/settings.py", 3),
        ("app/settings.py", 4),
        ("app/settings.py", 5),
        ("internal/aws.go", 2),
        ("web/config.ts", 3),
        ("conf/app.xml", 2),
        ("deploy/.env", 1),
    ];
    for (path, line) in want {
        assert!(
            has(&found, path, line, "generic-secret-assignment"),
            "missing {path}:{line} in {found:?}"
        );
    }
    assert_eq!(found.len(), want.len(), "unexpected findings: {found:?}");
}

#[test]
fn person_chosen_passwords_are_low_and_opt_in() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "tests/conftest.py",
        "ADMIN_PASSWORD = \"Winter2024\"\nlabel_password = \"Password\"\npassword = \"required\"\n",
    );
    assert!(findings(dir.path(), &[]).is_empty());
    let low = findings(dir.path(), &["--confidence", "low"]);
    assert!(
        has(&low, "tests/conftest.py", 1, "generic-password"),
        "{low:?}"
    );
    assert_eq!(low.len(), 1, "{low:?}");
}

#[test]
fn command_lines_sql_and_basic_headers_carry_passwords() {
    use base64::Engine as _;
    let dir = tempfile::tempdir().unwrap();
    let pw = base62(21, 12);
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("deploy:{}", base62(22, 16)));
    write(
        dir.path(),
        "scripts/backup.sh",
        &format!(
            "#!/bin/sh\n\
             mysqldump -u admin -p{pw} --all-databases > x.sql\n\
             curl -u admin:{pw} https://nexus.acme.io/x\n\
             curl -H \"Authorization: Basic {basic}\" https://ci.acme.io/api\n\
             mysql -u root -p shop\n"
        ),
    );
    write(
        dir.path(),
        "db/init.sql",
        &format!("CREATE USER 'app'@'%' IDENTIFIED BY '{pw}';\n"),
    );
    let found = findings(dir.path(), &[]);
    for (path, line, rule) in [
        ("scripts/backup.sh", 2, "mysql-cli-password"),
        ("scripts/backup.sh", 3, "curl-user-password"),
        ("scripts/backup.sh", 4, "http-basic-auth-header"),
        ("db/init.sql", 1, "sql-password-literal"),
    ] {
        assert!(
            has(&found, path, line, rule),
            "missing {path}:{line} {rule} in {found:?}"
        );
    }
    assert!(
        !found
            .iter()
            .any(|(p, l, _)| p == "scripts/backup.sh" && *l == 5),
        "{found:?}"
    );
}

#[test]
fn environment_defaults_continuations_macros_and_xml_attributes_bind_values() {
    let dir = tempfile::tempdir().unwrap();
    let v = |seed| base62(seed, 24);
    write(
        dir.path(),
        "app/settings.py",
        &format!(
            "SIGNING_SECRET = os.environ.get(\"UPSTREAM\", \"{}\")\n\
             API_TOKEN = os.environ.get(\"API_TOKEN\") or \"{}\"\n\
             DB_PASSWORD = \\\n    \"{}\"\n\
             if my_pw != \"{}\":\n\
             \x20   pass\n\
             LOCAL_TOKEN = compute(\"x\", \"{}\")\n",
            v(31),
            v(32),
            v(33),
            v(34),
            v(35)
        ),
    );
    write(
        dir.path(),
        "firmware/config.h",
        &format!("#define API_KEY \"{}\"\n#define PASSWORD_LEN 16\n", v(36)),
    );
    write(
        dir.path(),
        "conf/servers.xml",
        &format!(
            "<servers>\n  <password name=\"deploy\">{}</password>\n  <password name=\"x\"/>\n</servers>\n",
            v(37)
        ),
    );
    let found = findings(dir.path(), &[]);
    let want = [
        ("app/settings.py", 1),
        ("app/settings.py", 2),
        ("app/settings.py", 4),
        ("app/settings.py", 5),
        ("firmware/config.h", 1),
        ("conf/servers.xml", 2),
    ];
    for (path, line) in want {
        assert!(
            has(&found, path, line, "generic-secret-assignment"),
            "missing {path}:{line} in {found:?}"
        );
    }
    assert_eq!(found.len(), want.len(), "unexpected findings: {found:?}");
}

/// `"""` strings (TOML, Python, Kotlin) hold a value on the line after the name; a docstring or
/// a text block in them is prose, not a value. A digest-length hex token after `Bearer` is the
/// token, not a checksum.
#[test]
fn multiline_strings_and_hex_bearer_tokens_are_found() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "config/service.toml",
        &format!(
            "[billing]\nclient_secret = \"\"\"\n{}\"\"\"\napi_token = \"\"\"\nRead the token from the vault.\"\"\"\n",
            base62(41, 40)
        ),
    );
    write(
        dir.path(),
        "scripts/deploy.sh",
        &format!(
            "curl -H \"Authorization: Bearer {}\" https://api.acme.io/v1\n",
            common::fake::text(42, 40, b"0123456789abcdef")
        ),
    );
    let found = findings(dir.path(), &[]);
    assert!(
        has(
            &found,
            "config/service.toml",
            3,
            "generic-secret-assignment"
        ),
        "{found:?}"
    );
    assert!(
        has(&found, "scripts/deploy.sh", 1, "generic-bearer-token"),
        "{found:?}"
    );
    assert_eq!(found.len(), 2, "unexpected findings: {found:?}");
}

#[test]
fn extensionless_files_read_unquoted_values_and_text_files_do_not() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "notes/db.txt",
        &format!("Key = {}\n", base62(41, 24)),
    );
    write(
        dir.path(),
        "fixtures/credentials",
        &format!("[default]\nauth_token={}\n", base62(42, 32)),
    );
    // A build file without an extension is code: an unquoted right-hand side is an expression.
    write(
        dir.path(),
        "Jenkinsfile",
        &format!("def token = {}\n", base62(43, 24)),
    );
    let found = findings(dir.path(), &[]);
    assert!(
        has(
            &found,
            "fixtures/credentials",
            2,
            "generic-secret-assignment"
        ),
        "{found:?}"
    );
    assert_eq!(found.len(), 1, "{found:?}");
}

#[test]
fn markdown_config_blocks_read_unquoted_values_and_prose_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let (env, yaml, prose, code) = (
        base62(51, 24),
        base62(52, 24),
        base62(53, 24),
        base62(54, 24),
    );
    write(
        dir.path(),
        "docs/setup.md",
        &format!(
            "# Setup\n\n```env\nDEPLOY_TOKEN={env}\n```\n\napi_token: {prose} is what we used\n\n\
             ~~~yaml\nauth:\n  secret: {yaml}\n~~~\n\n```python\ntoken = {code}\n```\n\n\
             ```sh\n$ DB_USER=root DB_PASSWORD= FILTER={code} npm test\n```\n"
        ),
    );
    let found = findings(dir.path(), &[]);
    assert!(
        has(&found, "docs/setup.md", 4, "generic-secret-assignment"),
        "{found:?}"
    );
    assert!(
        has(&found, "docs/setup.md", 11, "generic-secret-assignment"),
        "{found:?}"
    );
    // Prose, a code block's unquoted expression and an empty shell assignment bind nothing.
    assert_eq!(found.len(), 2, "{found:?}");
}

#[test]
fn names_in_other_scripts_and_option_constants_bind_values() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "docs/servers",
        &format!(
            "서버 비밀번호: {}\nПароль: {}\n",
            base62(55, 20),
            base62(56, 20)
        ),
    );
    write(
        dir.path(),
        "src/fetch.c",
        &format!(
            "curl_easy_setopt(h, CURLOPT_XOAUTH2_BEARER, \"{}\");\n\
             curl_easy_setopt(h, CURLOPT_USERPWD, \"deploy:{}\");\n",
            base62(57, 24),
            base62(58, 20)
        ),
    );
    let found = findings(dir.path(), &[]);
    for (path, line) in [
        ("docs/servers", 1),
        ("docs/servers", 2),
        ("src/fetch.c", 1),
        ("src/fetch.c", 2),
    ] {
        assert!(
            has(&found, path, line, "generic-secret-assignment"),
            "{path}:{line} {found:?}"
        );
    }
    assert_eq!(found.len(), 4, "{found:?}");
}

#[test]
fn jwk_private_members_and_sql_password_forms_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let b64url = |seed| {
        common::fake::text(
            seed,
            43,
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
        )
    };
    let pw = base62(51, 12);
    write(
        dir.path(),
        "tests/keys.json",
        &format!(
            "{{\n  \"keys\": [\n    {{\n      \"kty\": \"EC\",\n      \"crv\": \"P-256\",\n      \"x\": \"{}\",\n      \"d\": \"{}\"\n    }}\n  ]\n}}\n",
            b64url(52),
            b64url(53)
        ),
    );
    write(
        dir.path(),
        "db/users.sql",
        &format!(
            "ALTER ROLE reporting LOGIN PASSWORD '{pw}';\n\
             SET PASSWORD FOR 'app'@'localhost' = PASSWORD('{pw}');\n\
             ALTER USER app PASSWORD EXPIRE;\n"
        ),
    );
    let found = findings(dir.path(), &[]);
    for (path, line, rule) in [
        ("tests/keys.json", 7, "jwk-private-key"),
        ("db/users.sql", 1, "sql-password-literal"),
        ("db/users.sql", 2, "sql-password-function"),
    ] {
        assert!(
            has(&found, path, line, rule),
            "missing {path}:{line} {rule} in {found:?}"
        );
    }
    assert_eq!(found.len(), 3, "{found:?}");
}

/// Shapes that real packages hold under credential-sounding names and that are not
/// credentials (each judged false in benches/realcode/verdicts.tsv) stay quiet; the same
/// values under a plain credential name are still found, so the quiet is the name's or the
/// syntax's doing, not the value's.
#[test]
fn real_code_shapes_that_are_not_credentials_stay_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let hex40 = common::fake::text(71, 40, b"0123456789abcdef");
    let b64 = format!("{}=", base62(72, 43));
    let token = base62(73, 64);
    write(
        dir.path(),
        "tests/test_credentials.py",
        &format!(
            "token_cache_key = '{hex40}'\n\
             self.session_cache_key = '{hex40}'\n\
             headers = {{'X-Goog-Encryption-Key-Sha256': '{b64}'}}\n\
             MASKED_TEST_SECRET2 = '{token}'\n\
             err = 'fetching token: AADSTS50076: Due to a configuration change'\n\
             dependencies = [('auth', '0001_initial')]\n\
             api_key = '{hex40}'\n"
        ),
    );
    write(
        dir.path(),
        "resources/responses.json",
        "{\n  \"Key\": \"my-movie.m2ts\",\n  \"content_md5\": {\"key\": \"Content-MD5\", \"type\": \"bytearray\"},\n  \"Condition\": {\"key\": \"ec2:Tenancy\", \"values\": [\"dedicated\"]},\n  \"filter\": {\"key\": \"AWS::EC2::Instance\"},\n  \"key\": \"2Sg8iYjAxxmI2LvUXpJjkYrMxURPc8r+dB7TJyvv1234\",\n  \"signing\": {\"key\": \"2Sg8iYjAxxmI2LvUXpJjkYrMxURPc8r+dB7TJy931234\"}\n}\n",
    );
    write(
        dir.path(),
        "lib/entry.js",
        "const code = [\n  'o.credentials=e.crossOrigin===\"use-credentials\"?\"include\":\"omit\";',\n  \"var RESERVED_KEY = '__decimal128__';\",\n];\n",
    );
    write(
        dir.path(),
        "tests/test_auth.py",
        "url = 'http://example-username:[secure]@example.org/'\n\
         token = 'badz.eyJhdWQiOlsidGVzdCJdLCJleHAiOjE3NTk4MjYyMTd9.c2lnbmF0dXJlLXNhbXBsZQ'\n",
    );
    let found = findings(dir.path(), &[]);
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        vec![(
            "tests/test_credentials.py".to_string(),
            7,
            "generic-secret-assignment".to_string()
        )],
        "only the api_key line is a credential"
    );
}

#[test]
fn keys_passed_to_signing_calls_and_setters_are_found() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "src/auth.js",
        &format!(
            "const token = jwt.sign({{ sub: user.id }}, '{}', {{ expiresIn: '1h' }});\n\
             const sig = crypto.createHmac('sha256', '{}').update(body).digest('hex');\n\
             const ok = jwt.verify(token, process.env.JWT_SECRET);\n\
             const digest = hmac.digest('base64');\n",
            base62(61, 32),
            base62(62, 24)
        ),
    );
    write(
        dir.path(),
        "src/main/java/Factory.java",
        &format!(
            "config.setPassword(\"{}\");\n\
             byte[] b = password.getBytes(\"{}\");\n\
             if (user.checkPassword(\"{}\")) {{}}\n",
            base62(63, 20),
            base62(64, 20),
            base62(65, 20)
        ),
    );
    let found = findings(dir.path(), &[]);
    assert!(
        has(&found, "src/auth.js", 1, "jwt-signing-secret"),
        "{found:?}"
    );
    assert!(
        has(&found, "src/auth.js", 2, "crypto-key-literal"),
        "{found:?}"
    );
    assert!(
        has(
            &found,
            "src/main/java/Factory.java",
            1,
            "generic-secret-assignment"
        ),
        "{found:?}"
    );
    // A key read from the environment, Node's digest encoding, a credential's own method and a
    // verb that uses a password bind nothing.
    assert_eq!(found.len(), 3, "{found:?}");
}
