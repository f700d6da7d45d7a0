//! Credentials that live in a file of their own shape: GCP service-account JSON, docker
//! `config.json`, `.netrc`, Kubernetes `Secret` manifests, AWS credential files, age key files.

use super::embed::{CorpusFile, Doc};
use super::encode::{armor, b64, b64url, bech32};
use super::formats::{password, Token};
use super::rng::*;

const GCP: &[&str] = &[
    "gcp",
    "google",
    "service-account",
    "service_account",
    "private",
];
const AWS: &[&str] = &["aws"];
const DOCKER: &[&str] = &["docker"];
const NETRC: &[&str] = &["netrc"];
const K8S: &[&str] = &["kubernetes", "k8s", "generic", "password"];
const AGE: &[&str] = &["age"];
const SIGNING: &[&str] = &["jwt-signing", "crypto-key"];
const COMMAND_LINE: &[&str] = &[
    "cli-client",
    "registry-login",
    "chpasswd",
    "stdin-password",
    "generic",
];

fn file(path: &str, d: Doc) -> CorpusFile {
    CorpusFile {
        path: path.to_string(),
        text: d.text,
        plants: d.plants,
        decoy: None,
    }
}

fn gcp_private_key(r: &mut Rng) -> String {
    // PKCS#8 wrapping of a (random) RSA key, as Google issues them.
    let mut der = vec![
        0x30, 0x82, 0x04, 0xbd, 0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09,
    ];
    der.extend([
        0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
    ]);
    der.extend([0x04, 0x82, 0x04, 0xa7]);
    der.extend(r.bytes(1191));
    armor("PRIVATE KEY", &der, 64) + "\n"
}

fn gcp_sa(r: &mut Rng, escaped_once: bool) -> Doc {
    let project = format!("{}-{}", r.word(), r.digits(6));
    let key = gcp_private_key(r).replace('\n', "\\n");
    let mut d = Doc {
        meta: Some((
            "gcp-service-account",
            GCP,
            if escaped_once {
                "gcp-json-file"
            } else {
                "gcp-json-env"
            },
        )),
        ..Doc::default()
    };
    let body_start = format!(
        "{{\n  \"type\": \"service_account\",\n  \"project_id\": \"{project}\",\n  \"private_key_id\": \"{}\",\n  \"private_key\": \"",
        r.hex(40)
    );
    let after = format!(
        "\",\n  \"client_email\": \"deployer@{project}.iam.gserviceaccount.com\",\n  \"client_id\": \"{}\",\n  \"auth_uri\": \"https://accounts.google.com/o/oauth2/auth\",\n  \"token_uri\": \"https://oauth2.googleapis.com/token\",\n  \"auth_provider_x509_cert_url\": \"https://www.googleapis.com/oauth2/v1/certs\"\n}}\n",
        r.digits(21)
    );
    if escaped_once {
        d.raw(&body_start).val(&Token::whole(key)).raw(&after);
    } else {
        // Pasted into a .env as one line of JSON.
        let one_line = |s: &str| s.replace('\n', "");
        d.raw("GOOGLE_CREDENTIALS='")
            .raw(&one_line(&body_start))
            .val(&Token::whole(key))
            .raw(&one_line(&after))
            .raw("'\n");
    }
    d
}

fn docker_config(r: &mut Rng) -> Doc {
    let mut d = Doc {
        meta: Some(("docker-config-auth", DOCKER, "docker-config-json")),
        ..Doc::default()
    };
    let user = format!("ci-{}", r.word());
    let auth = b64(format!("{user}:{}", password(r)).as_bytes());
    let registry = *r.pick(&[
        "https://index.docker.io/v1/",
        "ghcr.io",
        "registry.gitlab.com",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com",
    ]);
    d.raw(&format!(
        "{{\n  \"auths\": {{\n    \"{registry}\": {{\n      \"auth\": \""
    ))
    .val(&Token::whole(auth))
    .raw("\"\n    }\n  },\n  \"credsStore\": \"\"\n}\n");
    d
}

fn netrc(r: &mut Rng, one_line: bool) -> Doc {
    let mut d = Doc {
        meta: Some((
            "netrc",
            NETRC,
            if one_line { "netrc-one-line" } else { "netrc" },
        )),
        ..Doc::default()
    };
    let host = *r.pick(&[
        "api.heroku.com",
        "git.acme-corp.io",
        "artifacts.internal.acme.io",
        "github.com",
    ]);
    let pw = Token::whole(password(r));
    if one_line {
        d.raw(&format!("machine {host} login deploy password "))
            .val(&pw)
            .raw("\n");
    } else {
        d.raw(&format!(
            "machine {host}\n  login deploy-{}\n  password ",
            r.word()
        ))
        .val(&pw)
        .raw("\n");
    }
    d
}

fn k8s_secret(r: &mut Rng, string_data: bool) -> Doc {
    let mut d = Doc {
        meta: Some((
            "kubernetes-secret",
            K8S,
            if string_data {
                "k8s-stringdata"
            } else {
                "k8s-data-base64"
            },
        )),
        ..Doc::default()
    };
    let app = r.word();
    d.raw(&format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: {app}-credentials\n  namespace: prod\ntype: Opaque\n"));
    let pw = password(r);
    let token = r.alnum(40);
    if string_data {
        d.raw("stringData:\n  DB_USER: app\n  DB_PASSWORD: \"")
            .val(&Token::whole(pw))
            .raw("\"\n  API_TOKEN: \"")
            .val(&Token::whole(token))
            .raw("\"\n");
    } else {
        d.raw(&format!(
            "data:\n  DB_USER: {}\n  DB_PASSWORD: ",
            b64(b"app")
        ))
        .val(&Token::whole(b64(pw.as_bytes())))
        .raw("\n  API_TOKEN: ")
        .val(&Token::whole(b64(token.as_bytes())))
        .raw("\n");
    }
    d
}

fn aws_pair(r: &mut Rng, style: usize) -> (Doc, &'static str) {
    let id = format!("AKIA{}", r.chars(BASE32_UPPER, 16));
    let secret = r.chars(BASE64, 40);
    let syntax = ["aws-credentials-file", "boto3-kwargs", "aws-cli-config-env"][style % 3];
    let mut d = Doc {
        meta: Some(("aws-key-pair", AWS, syntax)),
        ..Doc::default()
    };
    match style % 3 {
        0 => {
            d.raw("[default]\naws_access_key_id = ")
                .val(&Token::whole(id))
                .raw("\naws_secret_access_key = ")
                .val(&Token::whole(secret))
                .raw("\nregion = us-east-1\n");
        }
        1 => {
            d.raw("import boto3\n\ns3 = boto3.client(\n    \"s3\",\n    aws_access_key_id=\"")
                .val(&Token::whole(id))
                .raw("\",\n    aws_secret_access_key=\"")
                .val(&Token::whole(secret))
                .raw("\",\n)\n");
        }
        _ => {
            d.raw("#!/bin/sh\nAWS_ACCESS_KEY_ID=")
                .val(&Token::whole(id))
                .raw(" AWS_SECRET_ACCESS_KEY=")
                .val(&Token::whole(secret))
                .raw(" aws s3 sync ./dist s3://acme-site\n");
        }
    }
    (
        d,
        [
            "deploy/aws/credentials",
            "scripts/upload.py",
            "scripts/publish.sh",
        ][style % 3],
    )
}

fn age_file(r: &mut Rng) -> Doc {
    let mut d = Doc {
        meta: Some(("age-key-file", AGE, "age-keygen-file")),
        ..Doc::default()
    };
    let key = bech32("age-secret-key-", &r.bytes(32)).to_uppercase();
    let public = bech32("age", &r.bytes(32));
    d.raw(&format!(
        "# created: 2024-03-{:02}T10:12:44Z\n# public key: {public}\n",
        r.range(1, 28)
    ))
    .val(&Token::whole(key))
    .raw("\n");
    d
}

/// A key passed straight to the call that uses it: a JWT library's signing secret, an HMAC or
/// cipher key. No name sits beside the value; the call is the context.
fn signing_call(r: &mut Rng, style: usize) -> (Doc, &'static str) {
    let secret = match style % 3 {
        0 => r.alnum(40),
        1 => r.chars(URLSAFE, 32),
        _ => r.hex(64),
    };
    let (name, path, before, after) = match style {
        0 => (
            "node-jwt-sign",
            "src/auth/session.js",
            "const jwt = require('jsonwebtoken');\n\nfunction issue(user) {\n  return jwt.sign({ sub: user.id, role: user.role }, '".to_string(),
            "', { expiresIn: '1h' });\n}\n",
        ),
        1 => (
            "python-jwt-decode",
            "app/auth.py",
            "import jwt\n\n\ndef claims(token):\n    return jwt.decode(token, \"".to_string(),
            "\", algorithms=[\"HS256\"])\n",
        ),
        2 => (
            "go-signed-string",
            "internal/auth/token.go",
            "package auth\n\nfunc Sign(t *jwt.Token) (string, error) {\n\treturn t.SignedString([]byte(\"".to_string(),
            "\"))\n}\n",
        ),
        3 => (
            "php-hash-hmac",
            "src/Webhook.php",
            "<?php\n\nfunction sign(string $body): string {\n    return hash_hmac('sha256', $body, '".to_string(),
            "');\n}\n",
        ),
        4 => (
            "python-hmac-new",
            "webhooks/verify.py",
            "import hashlib\nimport hmac\n\n\ndef signature(body: bytes) -> str:\n    return hmac.new(b\"".to_string(),
            "\", body, hashlib.sha256).hexdigest()\n",
        ),
        5 => (
            "node-create-hmac",
            "lib/webhook.ts",
            "import crypto from 'crypto';\n\nexport const sign = (body: string) =>\n  crypto.createHmac('sha256', '".to_string(),
            "').update(body).digest('hex');\n",
        ),
        6 => (
            "java-secret-key-spec",
            "src/main/java/com/acme/Crypto.java",
            "package com.acme;\n\nclass Crypto {\n    static final SecretKeySpec KEY = new SecretKeySpec(\"".to_string(),
            "\".getBytes(), \"HmacSHA256\");\n}\n",
        ),
        _ => (
            "python-fernet",
            "app/vault.py",
            "from cryptography.fernet import Fernet\n\nBOX = Fernet(b\"".to_string(),
            "\")\n",
        ),
    };
    // A Fernet key is 32 random bytes, base64url with padding.
    let secret = if style == 7 {
        format!("{}=", b64url(&r.bytes(32)))
    } else {
        secret
    };
    let mut d = Doc {
        meta: Some(("signing-key", SIGNING, name)),
        ..Doc::default()
    };
    d.raw(&before).val(&Token::whole(secret)).raw(after);
    (d, path)
}

/// A password written into a command a script runs (a client's password flag, a pipe into a
/// login), or into a Ruby deploy DSL.
fn command_line(r: &mut Rng, style: usize) -> (Doc, &'static str) {
    let pw = r.alnum(18);
    let user = r.word();
    let (name, path, before, after) = match style {
        0 => (
            "redis-cli-auth",
            "scripts/flush-cache.sh",
            "#!/bin/sh\nredis-cli -h cache.internal -a ".to_string(),
            " FLUSHDB\n".to_string(),
        ),
        1 => (
            "sqlcmd-password",
            "deploy/migrate.cmd",
            format!("sqlcmd -S db01.acme.local -U {user} -P "),
            " -i migrate.sql\n".to_string(),
        ),
        2 => (
            "ldapsearch-bind",
            "tools/find-user.sh",
            "ldapsearch -x -H ldaps://dc01.acme.local -D \"cn=reader,dc=acme,dc=local\" -w "
                .to_string(),
            " -b dc=acme,dc=local \"(uid=$1)\"\n".to_string(),
        ),
        3 => (
            "password-stdin-pipe",
            ".gitlab-ci.yml",
            "publish:\n  script:\n    - echo \"".to_string(),
            format!("\" | docker login -u {user} --password-stdin registry.acme.io\n"),
        ),
        4 => (
            "chpasswd-pipe",
            "docker/base/Dockerfile",
            format!("FROM debian:12\nRUN useradd -m {user} && echo \"{user}:"),
            "\" | chpasswd\n".to_string(),
        ),
        5 => (
            "mongosh-password",
            "scripts/backup.sh",
            format!("mongodump --host db.internal --username {user} --password "),
            " --out /backup/$(date +%F)\n".to_string(),
        ),
        6 => (
            "sudo-stdin",
            "provision/bootstrap.sh",
            "#!/bin/bash\nset -e\necho '".to_string(),
            "' | sudo -S apt-get install -y nginx\n".to_string(),
        ),
        _ => (
            "capistrano-set",
            "config/deploy/production.rb",
            "server \"app1.acme.io\", user: \"deploy\", roles: %w{app web}\nset :db_password, \""
                .to_string(),
            "\"\n".to_string(),
        ),
    };
    let mut d = Doc {
        meta: Some(("command-line", COMMAND_LINE, name)),
        ..Doc::default()
    };
    d.raw(&before).val(&Token::whole(pw)).raw(&after);
    (d, path)
}

/// All special-shape positive files.
pub fn documents(r: &mut Rng) -> Vec<CorpusFile> {
    let mut out = Vec::new();
    for i in 0..3 {
        out.push(file(
            &format!("credentials/{}-sa-{i}.json", r.word()),
            gcp_sa(r, true),
        ));
        out.push(file(".env.gcp", gcp_sa(r, false)));
        out.push(file(
            &format!("ci/docker-{i}/config.json"),
            docker_config(r),
        ));
        out.push(file(".netrc", netrc(r, i == 0)));
        out.push(file(
            &format!("deploy/k8s/secret-{i}.yaml"),
            k8s_secret(r, false),
        ));
        out.push(file(
            &format!("deploy/k8s/secret-string-{i}.yaml"),
            k8s_secret(r, true),
        ));
        out.push(file("keys/age.txt", age_file(r)));
    }
    for style in 0..6 {
        let (d, path) = aws_pair(r, style);
        out.push(file(path, d));
    }
    for style in 0..8 {
        let (d, path) = signing_call(r, style);
        out.push(file(path, d));
    }
    for style in 0..8 {
        let (d, path) = command_line(r, style);
        out.push(file(path, d));
    }
    out
}
