//! "Move to environment variable": the buffer half. Replaces the literal with the language's
//! idiomatic environment read and adds what that read needs (an import, a Terraform variable).

use super::{literal::Literal, Edit, Language};

/// What the buffer edit does and which variable the value must be stored under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvFix {
    pub edits: Vec<Edit>,
    /// The variable the program will read (`TF_VAR_name` for Terraform): the key for `.env`.
    pub env_name: String,
}

#[derive(Debug, Clone)]
pub struct Options {
    /// `secretKeyRef.name` for Kubernetes manifests.
    pub kubernetes_secret: String,
}

/// Why a language cannot get this fix.
pub fn unsupported(lang: Language) -> Option<&'static str> {
    match lang {
        Language::Json | Language::Toml | Language::Yaml | Language::Other => {
            Some("this file type has no environment-variable syntax; move the value by hand or use the baseline")
        }
        Language::Dotenv => Some("a dotenv file already is the environment; make sure it is git-ignored"),
        _ => None,
    }
}

/// The edits replacing `lit` in `text` with a read of `name`.
pub fn env_read_fix(
    lang: Language,
    text: &str,
    lit: &Literal,
    name: &str,
    opts: &Options,
) -> Result<EnvFix, String> {
    if let Some(why) = unsupported(lang) {
        return Err(why.to_string());
    }
    let replace = |s: String| Edit::replace(lit.range.clone(), s);
    let mut env_name = name.to_string();
    let edits = match lang {
        Language::Python => {
            let mut e = vec![replace(format!("os.environ[\"{name}\"]"))];
            e.extend(python_import_os(text));
            e
        }
        Language::JavaScript | Language::TypeScript => vec![replace(format!("process.env.{name}"))],
        Language::Go => {
            let mut e = vec![replace(format!("os.Getenv(\"{name}\")"))];
            e.extend(go_import_os(text));
            e
        }
        Language::Rust => vec![replace(format!("std::env::var(\"{name}\")"))],
        Language::Java | Language::Kotlin => vec![replace(format!("System.getenv(\"{name}\")"))],
        Language::CSharp => vec![replace(format!(
            "Environment.GetEnvironmentVariable(\"{name}\")"
        ))],
        Language::Ruby => vec![replace(format!("ENV.fetch(\"{name}\")"))],
        Language::Php => vec![replace(format!("getenv('{name}')"))],
        Language::Shell => vec![replace(format!("\"${{{name}:?}}\""))],
        Language::DockerCompose => vec![replace(format!("${{{name}:?}}"))],
        Language::GithubActions => vec![replace(format!("${{{{ secrets.{name} }}}}"))],
        Language::Kubernetes => vec![kubernetes_secret_ref(
            text,
            lit,
            name,
            &opts.kubernetes_secret,
        )?],
        Language::Terraform => {
            let var = name.to_ascii_lowercase();
            env_name = format!("TF_VAR_{var}");
            let mut e = vec![replace(format!("var.{var}"))];
            if !text.contains(&format!("variable \"{var}\"")) {
                let sep = if text.ends_with('\n') || text.is_empty() {
                    "\n"
                } else {
                    "\n\n"
                };
                e.push(Edit::insert(
                    text.len(),
                    format!("{sep}variable \"{var}\" {{\n  type      = string\n  sensitive = true\n}}\n"),
                ));
            }
            e
        }
        Language::Json | Language::Toml | Language::Yaml | Language::Other | Language::Dotenv => {
            unreachable!()
        }
    };
    Ok(EnvFix { edits, env_name })
}

/// `import os` unless the module already imports it; after a shebang, encoding line, module
/// docstring and `from __future__` imports, which must stay first.
fn python_import_os(text: &str) -> Option<Edit> {
    let imports_os = text.lines().any(|l| {
        let l = l.trim_start();
        l == "import os"
            || l.starts_with("import os ")
            || l.starts_with("import os,")
            || (l.starts_with("import ") && l[7..].split(',').any(|m| m.trim() == "os"))
    });
    if imports_os {
        return None;
    }
    let mut at = 0;
    let mut offset = 0;
    let mut in_docstring: Option<&str> = None;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        let next = offset + line.len();
        if let Some(q) = in_docstring {
            if t.contains(q) {
                in_docstring = None;
                at = next;
            }
        } else if offset == at
            && (t.starts_with("#!") || t.starts_with("# -*-") || t.starts_with("# vim:"))
        {
            at = next;
        } else if offset == at && (t.starts_with("\"\"\"") || t.starts_with("'''")) {
            let q = &t[..3];
            if t.len() >= 6 && t[3..].contains(q) {
                at = next;
            } else {
                in_docstring = Some(if q == "\"\"\"" { "\"\"\"" } else { "'''" });
            }
        } else if t.starts_with("from __future__") {
            at = next;
        } else if !t.is_empty() && !t.starts_with('#') {
            break;
        }
        offset = next;
    }
    Some(Edit::insert(at, "import os\n"))
}

/// `"os"` in the import block unless it is there.
fn go_import_os(text: &str) -> Option<Edit> {
    if text.lines().any(|l| {
        let t = l.trim();
        t == "\"os\"" || t == "import \"os\"" || t.ends_with(" \"os\"")
    }) {
        return None;
    }
    let mut offset = 0;
    let mut package_end = None;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with("import (") {
            return Some(Edit::insert(offset + line.len(), "\t\"os\"\n"));
        }
        if t.starts_with("import ") {
            return Some(Edit::insert(offset, "import \"os\"\n"));
        }
        if t.starts_with("package ") && package_end.is_none() {
            package_end = Some(offset + line.len());
        }
        offset += line.len();
    }
    let at = package_end.unwrap_or(0);
    let nl = if at > 0 && !text[..at].ends_with('\n') {
        "\n"
    } else {
        ""
    };
    Some(Edit::insert(at, format!("{nl}\nimport \"os\"\n")))
}

/// `value: "…"` → `valueFrom: { secretKeyRef: { name, key } }`, as block YAML at the key's indent.
fn kubernetes_secret_ref(
    text: &str,
    lit: &Literal,
    name: &str,
    secret: &str,
) -> Result<Edit, String> {
    let prefix = &text[lit.line_start..lit.range.start];
    let Some(key_at) = prefix.rfind("value:") else {
        return Err("the secret is not the `value:` of an environment variable; move it into a Secret by hand".into());
    };
    if !prefix[key_at + 6..].trim().is_empty() {
        return Err("unexpected text between `value:` and the secret".into());
    }
    // Indentation of the `value:` key: its column, counting a list dash as indentation.
    let indent = " ".repeat(prefix[..key_at].chars().count());
    let key = name.to_ascii_lowercase().replace('_', "-");
    Ok(Edit::replace(
        lit.line_start + key_at..lit.range.end,
        format!("valueFrom:\n{indent}  secretKeyRef:\n{indent}    name: {secret}\n{indent}    key: {key}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::{apply, literal::locate};

    fn fix(lang: Language, text: &str) -> String {
        let s = text.find("SECRET").unwrap();
        let lit = locate(text, s..s + 6).unwrap();
        let opts = Options {
            kubernetes_secret: "app-secrets".into(),
        };
        let f = env_read_fix(lang, text, &lit, "API_KEY", &opts).unwrap();
        apply(text, &f.edits)
    }

    #[test]
    fn python_adds_import_after_docstring_and_future() {
        let t = "#!/usr/bin/env python\n\"\"\"Doc.\n\nMore.\"\"\"\nfrom __future__ import annotations\nimport sys\nKEY = \"SECRET\"\n";
        assert_eq!(
            fix(Language::Python, t),
            "#!/usr/bin/env python\n\"\"\"Doc.\n\nMore.\"\"\"\nfrom __future__ import annotations\nimport os\nimport sys\nKEY = os.environ[\"API_KEY\"]\n"
        );
        let t = "import sys, os\nKEY = 'SECRET'\n";
        assert_eq!(
            fix(Language::Python, t),
            "import sys, os\nKEY = os.environ[\"API_KEY\"]\n"
        );
    }

    #[test]
    fn go_adds_os_to_the_import_block() {
        let t = "package main\n\nimport (\n\t\"fmt\"\n)\n\nvar key = \"SECRET\"\n";
        assert_eq!(
            fix(Language::Go, t),
            "package main\n\nimport (\n\t\"os\"\n\t\"fmt\"\n)\n\nvar key = os.Getenv(\"API_KEY\")\n"
        );
        let t = "package main\nvar key = `SECRET`\n";
        assert_eq!(
            fix(Language::Go, t),
            "package main\n\nimport \"os\"\nvar key = os.Getenv(\"API_KEY\")\n"
        );
    }

    #[test]
    fn one_line_idioms() {
        assert_eq!(
            fix(Language::TypeScript, "const k = 'SECRET';"),
            "const k = process.env.API_KEY;"
        );
        assert_eq!(
            fix(Language::Rust, "let k = \"SECRET\";"),
            "let k = std::env::var(\"API_KEY\");"
        );
        assert_eq!(
            fix(Language::Java, "String k = \"SECRET\";"),
            "String k = System.getenv(\"API_KEY\");"
        );
        assert_eq!(
            fix(Language::CSharp, "var k = \"SECRET\";"),
            "var k = Environment.GetEnvironmentVariable(\"API_KEY\");"
        );
        assert_eq!(
            fix(Language::Ruby, "k = 'SECRET'"),
            "k = ENV.fetch(\"API_KEY\")"
        );
        assert_eq!(
            fix(Language::Php, "$k = \"SECRET\";"),
            "$k = getenv('API_KEY');"
        );
        assert_eq!(
            fix(Language::Shell, "TOKEN=SECRET\n"),
            "TOKEN=\"${API_KEY:?}\"\n"
        );
        assert_eq!(
            fix(Language::DockerCompose, "      TOKEN: \"SECRET\"\n"),
            "      TOKEN: ${API_KEY:?}\n"
        );
        assert_eq!(
            fix(Language::GithubActions, "      TOKEN: SECRET\n"),
            "      TOKEN: ${{ secrets.API_KEY }}\n"
        );
    }

    #[test]
    fn kubernetes_uses_a_secret_key_ref() {
        let t = "    env:\n      - name: TOKEN\n        value: \"SECRET\"\n";
        assert_eq!(
            fix(Language::Kubernetes, t),
            "    env:\n      - name: TOKEN\n        valueFrom:\n          secretKeyRef:\n            name: app-secrets\n            key: api-key\n"
        );
        let t = "      - {name: T, value: SECRET}\n";
        let s = t.find("SECRET").unwrap();
        let lit = locate(t, s..s + 6);
        assert!(lit.is_none(), "flow mapping values end with `}}`: no fix");
    }

    #[test]
    fn terraform_declares_a_sensitive_variable() {
        let t = "resource \"x\" \"y\" {\n  token = \"SECRET\"\n}";
        let s = t.find("SECRET").unwrap();
        let lit = locate(t, s..s + 6).unwrap();
        let opts = Options {
            kubernetes_secret: String::new(),
        };
        let f = env_read_fix(Language::Terraform, t, &lit, "API_KEY", &opts).unwrap();
        assert_eq!(f.env_name, "TF_VAR_api_key");
        assert_eq!(
            apply(t, &f.edits),
            "resource \"x\" \"y\" {\n  token = var.api_key\n}\n\nvariable \"api_key\" {\n  type      = string\n  sensitive = true\n}\n"
        );
    }

    #[test]
    fn json_is_refused_with_a_reason() {
        let t = "{\"k\": \"SECRET\"}";
        let lit = locate(t, 7..13).unwrap();
        let opts = Options {
            kubernetes_secret: String::new(),
        };
        assert!(env_read_fix(Language::Json, t, &lit, "K", &opts).is_err());
    }
}
