//! Realistic files around a value: the syntaxes developers actually paste credentials into.
//! A [`Doc`] records the byte span of every planted secret so the harness can score findings
//! by location, not by string equality.

use std::ops::Range;

use super::formats::Token;
use super::rng::Rng;

/// A planted secret: what it is, how it was written, and where.
#[derive(Clone, Debug)]
pub struct Plant {
    pub provider: &'static str,
    pub family: &'static [&'static str],
    pub syntax: &'static str,
    pub span: Range<usize>,
}

/// One corpus file. Positive files carry plants; decoy files carry the decoy kind and nothing
/// in them should be reported.
pub struct CorpusFile {
    pub path: String,
    pub text: String,
    pub plants: Vec<Plant>,
    pub decoy: Option<&'static str>,
}

/// Text under construction plus the planted spans within it.
#[derive(Default)]
pub struct Doc {
    pub text: String,
    pub plants: Vec<Plant>,
    /// When set, values written with [`Doc::val`] are recorded as plants of this provider.
    pub meta: Option<(&'static str, &'static [&'static str], &'static str)>,
}

impl Doc {
    pub fn raw(&mut self, s: &str) -> &mut Doc {
        self.text.push_str(s);
        self
    }

    /// Writes a value; its secret ranges become plants when `meta` is set.
    pub fn val(&mut self, t: &Token) -> &mut Doc {
        let base = self.text.len();
        self.text.push_str(&t.text);
        if let Some((provider, family, syntax)) = self.meta {
            for s in &t.secrets {
                self.plants.push(Plant {
                    provider,
                    family,
                    syntax,
                    span: base + s.start..base + s.end,
                });
            }
        }
        self
    }

    /// Writes a value transformed (escaped) by `f`, planting the whole transformed text.
    pub fn val_mapped(&mut self, t: &Token, f: impl Fn(&str) -> String) -> &mut Doc {
        let mapped = Token::whole(f(&t.text));
        self.val(&mapped)
    }

    pub fn plant_range(&mut self, span: Range<usize>) {
        if let Some((provider, family, syntax)) = self.meta {
            self.plants.push(Plant {
                provider,
                family,
                syntax,
                span,
            });
        }
    }
}

// --- names -----------------------------------------------------------------------------------

pub fn lower(var: &str) -> String {
    var.to_ascii_lowercase()
}

pub fn camel(var: &str) -> String {
    let mut out = String::new();
    for (i, part) in var.split('_').filter(|p| !p.is_empty()).enumerate() {
        let p = part.to_ascii_lowercase();
        if i == 0 {
            out.push_str(&p);
        } else {
            let mut c = p.chars();
            if let Some(f) = c.next() {
                out.push(f.to_ascii_uppercase());
                out.push_str(c.as_str());
            }
        }
    }
    out
}

pub fn pascal(var: &str) -> String {
    let c = camel(var);
    let mut chars = c.chars();
    match chars.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + chars.as_str(),
        None => c,
    }
}

fn dotted(var: &str) -> String {
    lower(var).replace('_', ".")
}

// --- one-line syntaxes -----------------------------------------------------------------------

/// Renders `var = value` (plus an optional companion setting) into a whole file.
pub type LineRender = fn(&mut Rng, &mut Doc, &str, Option<&(String, String)>, &Token);

pub struct LineSyntax {
    pub name: &'static str,
    pub path: &'static str,
    /// The variable name appears next to the value (so keyword-context rules can work).
    pub named: bool,
    pub render: LineRender,
}

fn companion_line(d: &mut Doc, c: Option<&(String, String)>, f: impl Fn(&str, &str) -> String) {
    if let Some((k, v)) = c {
        let line = f(k, v);
        d.raw(&line);
    }
}

pub fn line_syntaxes() -> Vec<LineSyntax> {
    vec![
        LineSyntax {
            name: "python-assign",
            path: "app/settings.py",
            named: true,
            render: |r, d, var, c, t| {
                d.raw(&format!("\"\"\"Settings for the {} service.\"\"\"\nimport os\n\nDEBUG = False\nALLOWED_HOSTS = [\"api.internal\"]\n", r.word()));
                companion_line(d, c, |k, v| format!("{k} = \"{v}\"\n"));
                d.raw(&format!("{var} = \""))
                    .val(t)
                    .raw("\"\nTIMEOUT_SECONDS = 30\n");
            },
        },
        LineSyntax {
            name: "python-kwarg",
            path: "src/worker/client.py",
            named: true,
            render: |r, d, var, c, t| {
                d.raw(&format!(
                    "from {0}_sdk import Client\n\n\ndef make_client():\n    return Client(\n",
                    r.word()
                ));
                companion_line(d, c, |k, v| format!("        {}=\"{v}\",\n", lower(k)));
                d.raw(&format!("        {}='", lower(var)))
                    .val(t)
                    .raw("',\n        timeout=30,\n    )\n");
            },
        },
        LineSyntax {
            name: "python-dict",
            path: "config/local_settings.py",
            named: true,
            render: |_, d, var, c, t| {
                d.raw("CONFIG = {\n    \"region\": \"us-east-1\",\n");
                companion_line(d, c, |k, v| format!("    \"{}\": \"{v}\",\n", lower(k)));
                d.raw(&format!("    \"{}\": \"", lower(var)))
                    .val(t)
                    .raw("\",\n    \"retries\": 3,\n}\n");
            },
        },
        LineSyntax {
            name: "python-multiline",
            path: "scripts/backfill.py",
            named: true,
            render: |_, d, var, c, t| {
                d.raw("import logging\n\nlog = logging.getLogger(__name__)\n\n");
                companion_line(d, c, |k, v| format!("{k} = \"{v}\"\n"));
                d.raw(&format!("{var} = (\n    \"")).val(t).raw("\"\n)\n");
            },
        },
        LineSyntax {
            name: "js-const",
            path: "src/config.js",
            named: true,
            render: |_, d, var, c, t| {
                d.raw("'use strict';\n\n");
                companion_line(d, c, |k, v| format!("const {} = '{v}';\n", camel(k)));
                d.raw(&format!("const {} = '", camel(var)))
                    .val(t)
                    .raw(&format!("';\n\nmodule.exports = {{ {} }};\n", camel(var)));
            },
        },
        LineSyntax {
            name: "ts-object",
            path: "src/lib/config.ts",
            named: true,
            render: |_, d, var, c, t| {
                d.raw("export const config = {\n  baseUrl: \"https://api.internal/v1\",\n");
                companion_line(d, c, |k, v| format!("  {}: \"{v}\",\n", camel(k)));
                d.raw(&format!("  {}: \"", camel(var)))
                    .val(t)
                    .raw("\",\n  retries: 3,\n} as const;\n");
            },
        },
        LineSyntax {
            name: "go-const",
            path: "internal/config/config.go",
            named: true,
            render: |_, d, var, c, t| {
                d.raw("package config\n\nconst (\n\tDefaultRegion = \"us-east-1\"\n");
                companion_line(d, c, |k, v| format!("\t{} = \"{v}\"\n", pascal(k)));
                d.raw(&format!("\t{} = \"", pascal(var)))
                    .val(t)
                    .raw("\"\n)\n");
            },
        },
        LineSyntax {
            name: "go-setenv",
            path: "cmd/server/main_test.go",
            named: true,
            render: |_, d, var, c, t| {
                d.raw("package main\n\nimport (\n\t\"os\"\n\t\"testing\"\n)\n\nfunc TestMain(m *testing.M) {\n");
                companion_line(d, c, |k, v| format!("\tos.Setenv(\"{k}\", \"{v}\")\n"));
                d.raw(&format!("\tos.Setenv(\"{var}\", \""))
                    .val(t)
                    .raw("\")\n\tos.Exit(m.Run())\n}\n");
            },
        },
        LineSyntax {
            name: "java-field",
            path: "src/main/java/com/acme/ApiConfig.java",
            named: true,
            render: |_, d, var, c, t| {
                d.raw("package com.acme;\n\npublic final class ApiConfig {\n");
                companion_line(d, c, |k, v| {
                    format!("    private static final String {k} = \"{v}\";\n")
                });
                d.raw(&format!("    private static final String {var} = \""))
                    .val(t)
                    .raw("\";\n\n    private ApiConfig() {}\n}\n");
            },
        },
        LineSyntax {
            name: "ruby-configure",
            path: "config/initializers/client.rb",
            named: true,
            render: |r, d, var, c, t| {
                d.raw(&format!(
                    "{}::Client.configure do |config|\n",
                    pascal(r.word())
                ));
                companion_line(d, c, |k, v| format!("  config.{} = '{v}'\n", lower(k)));
                d.raw(&format!("  config.{} = '", lower(var)))
                    .val(t)
                    .raw("'\n  config.timeout = 10\nend\n");
            },
        },
        LineSyntax {
            name: "php-define",
            path: "wp-config.php",
            named: true,
            render: |_, d, var, c, t| {
                d.raw("<?php\ndefine('WP_DEBUG', false);\n");
                companion_line(d, c, |k, v| format!("define('{k}', '{v}');\n"));
                d.raw(&format!("define('{var}', '")).val(t).raw("');\n");
            },
        },
        LineSyntax {
            name: "csharp-const",
            path: "src/Api/Settings.cs",
            named: true,
            render: |_, d, var, c, t| {
                d.raw("namespace Acme.Api;\n\npublic static class Settings\n{\n");
                companion_line(d, c, |k, v| {
                    format!("    public const string {} = \"{v}\";\n", pascal(k))
                });
                d.raw(&format!("    public const string {} = \"", pascal(var)))
                    .val(t)
                    .raw("\";\n}\n");
            },
        },
        LineSyntax {
            name: "shell-export",
            path: "scripts/deploy.sh",
            named: true,
            render: |_, d, var, c, t| {
                d.raw("#!/usr/bin/env bash\nset -euo pipefail\n\n");
                companion_line(d, c, |k, v| format!("export {k}=\"{v}\"\n"));
                d.raw(&format!("export {var}=\""))
                    .val(t)
                    .raw("\"\n./bin/deploy --env prod\n");
            },
        },
        LineSyntax {
            name: "dotenv",
            path: ".env",
            named: true,
            render: |_, d, var, c, t| {
                d.raw("NODE_ENV=production\nPORT=8080\n");
                companion_line(d, c, |k, v| format!("{k}={v}\n"));
                d.raw(&format!("{var}=")).val(t).raw("\nLOG_LEVEL=info\n");
            },
        },
        LineSyntax {
            name: "dotenv-quoted",
            path: ".env.production",
            named: true,
            render: |_, d, var, c, t| {
                d.raw("# production settings\n");
                companion_line(d, c, |k, v| format!("{k}=\"{v}\"\n"));
                d.raw(&format!("{var}=\"")).val(t).raw("\"\n");
            },
        },
        LineSyntax {
            name: "k8s-env",
            path: "deploy/k8s/deployment.yaml",
            named: true,
            render: |r, d, var, c, t| {
                let app = r.word();
                d.raw(&format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {app}\nspec:\n  template:\n    spec:\n      containers:\n        - name: {app}\n          image: ghcr.io/acme/{app}:1.4.2\n          env:\n"));
                companion_line(d, c, |k, v| {
                    format!("            - name: {k}\n              value: \"{v}\"\n")
                });
                d.raw(&format!(
                    "            - name: {var}\n              value: \""
                ))
                .val(t)
                .raw("\"\n");
            },
        },
        LineSyntax {
            name: "compose-env",
            path: "docker-compose.yml",
            named: true,
            render: |r, d, var, c, t| {
                d.raw(&format!(
                    "services:\n  {}:\n    image: acme/api:latest\n    environment:\n",
                    r.word()
                ));
                companion_line(d, c, |k, v| format!("      - {k}={v}\n"));
                d.raw(&format!("      - {var}="))
                    .val(t)
                    .raw("\n    ports:\n      - \"8080:8080\"\n");
            },
        },
        LineSyntax {
            name: "gha-env",
            path: ".github/workflows/ci.yml",
            named: true,
            render: |_, d, var, c, t| {
                d.raw(
                    "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    env:\n",
                );
                companion_line(d, c, |k, v| format!("      {k}: {v}\n"));
                d.raw(&format!("      {var}: ")).val(t).raw(
                    "\n    steps:\n      - uses: actions/checkout@v4\n      - run: make test\n",
                );
            },
        },
        LineSyntax {
            name: "yaml-config",
            path: "config/application.yml",
            named: true,
            render: |r, d, var, c, t| {
                d.raw(&format!("{}:\n  region: eu-west-1\n", r.word()));
                companion_line(d, c, |k, v| format!("  {}: {v}\n", lower(k)));
                d.raw(&format!("  {}: ", lower(var)))
                    .val(t)
                    .raw("\n  timeout: 30s\n");
            },
        },
        LineSyntax {
            name: "json",
            path: "config/settings.json",
            named: true,
            render: |_, d, var, c, t| {
                d.raw("{\n  \"environment\": \"production\",\n");
                companion_line(d, c, |k, v| format!("  \"{}\": \"{v}\",\n", camel(k)));
                d.raw(&format!("  \"{}\": \"", camel(var)))
                    .val(t)
                    .raw("\",\n  \"retries\": 3\n}\n");
            },
        },
        LineSyntax {
            name: "toml",
            path: "config/production.toml",
            named: true,
            render: |r, d, var, c, t| {
                d.raw(&format!("[{}]\nregion = \"us-east-1\"\n", r.word()));
                companion_line(d, c, |k, v| format!("{} = \"{v}\"\n", lower(k)));
                d.raw(&format!("{} = \"", lower(var))).val(t).raw("\"\n");
            },
        },
        LineSyntax {
            name: "toml-multiline",
            path: "config/service.toml",
            named: true,
            render: |r, d, var, c, t| {
                d.raw(&format!("[{}]\nregion = \"us-east-1\"\n", r.word()));
                companion_line(d, c, |k, v| format!("{} = \"{v}\"\n", lower(k)));
                d.raw(&format!("{} = \"\"\"\n", lower(var)))
                    .val(t)
                    .raw("\"\"\"\ndescription = \"\"\"\nThe billing service.\"\"\"\n");
            },
        },
        LineSyntax {
            name: "ini",
            path: "setup.cfg",
            named: true,
            render: |r, d, var, c, t| {
                d.raw(&format!(
                    "[{}]\nendpoint = https://api.internal\n",
                    r.word()
                ));
                companion_line(d, c, |k, v| format!("{} = {v}\n", lower(k)));
                d.raw(&format!("{} = ", lower(var))).val(t).raw("\n");
            },
        },
        LineSyntax {
            name: "properties",
            path: "src/main/resources/application.properties",
            named: true,
            render: |_, d, var, c, t| {
                d.raw("server.port=8080\nspring.application.name=orders\n");
                companion_line(d, c, |k, v| format!("{}={v}\n", dotted(k)));
                d.raw(&format!("{}=", dotted(var))).val(t).raw("\n");
            },
        },
        LineSyntax {
            name: "terraform",
            path: "infra/main.tf",
            named: true,
            render: |r, d, var, c, t| {
                d.raw(&format!(
                    "provider \"{}\" {{\n  region = \"us-east-1\"\n",
                    r.word()
                ));
                companion_line(d, c, |k, v| format!("  {} = \"{v}\"\n", lower(k)));
                d.raw(&format!("  {} = \"", lower(var)))
                    .val(t)
                    .raw("\"\n}\n");
            },
        },
        LineSyntax {
            name: "terraform-variable",
            path: "infra/variables.tf",
            named: true,
            render: |_, d, var, c, t| {
                companion_line(d, c, |k, v| {
                    format!("variable \"{}\" {{\n  default = \"{v}\"\n}}\n\n", lower(k))
                });
                d.raw(&format!("variable \"{}\" {{\n  type      = string\n  sensitive = true\n  default   = \"", lower(var))).val(t).raw("\"\n}\n");
            },
        },
        LineSyntax {
            name: "dockerfile",
            path: "Dockerfile",
            named: true,
            render: |_, d, var, c, t| {
                d.raw("FROM python:3.12-slim\nWORKDIR /app\n");
                companion_line(d, c, |k, v| format!("ENV {k}={v}\n"));
                d.raw(&format!("ENV {var}="))
                    .val(t)
                    .raw("\nCOPY . .\nCMD [\"python\", \"-m\", \"app\"]\n");
            },
        },
        LineSyntax {
            name: "markdown-shell",
            path: "docs/setup.md",
            named: true,
            render: |_, d, var, c, t| {
                d.raw("# Local setup\n\nExport the credentials before running the server:\n\n```bash\n");
                companion_line(d, c, |k, v| format!("export {k}={v}\n"));
                d.raw(&format!("export {var}="))
                    .val(t)
                    .raw("\nmake run\n```\n");
            },
        },
        LineSyntax {
            name: "curl-header",
            path: "scripts/smoke-test.sh",
            named: false,
            render: |r, d, _, _, t| {
                d.raw(&format!("#!/bin/sh\ncurl -sf https://api.{}.com/v1/items \\\n  -H \"Authorization: Bearer ", r.word())).val(t).raw("\" \\\n  -H 'Content-Type: application/json'\n");
            },
        },
        // --- the syntaxes of issue 8, point 1: typed and unusual assignments, env defaults,
        // XML, strings inside strings, query strings and CLI flags ---
        LineSyntax {
            name: "go-var-typed",
            path: "internal/client/config.go",
            named: true,
            render: |_, d, var, _, t| {
                d.raw(&format!("package client\n\nvar {} string = \"", camel(var)))
                    .val(t)
                    .raw("\"\n\nfunc init() {}\n");
            },
        },
        LineSyntax {
            name: "rust-const",
            path: "src/consts.rs",
            named: true,
            render: |_, d, var, _, t| {
                d.raw(&format!("//! Settings.\n\npub const {var}: &str = \""))
                    .val(t)
                    .raw("\";\npub const RETRIES: u32 = 3;\n");
            },
        },
        LineSyntax {
            name: "rust-string-from",
            path: "src/client.rs",
            named: true,
            render: |_, d, var, _, t| {
                d.raw(&format!(
                    "fn settings() -> Settings {{\n    let {} = String::from(\"",
                    lower(var)
                ))
                .val(t)
                .raw("\");\n    Settings::new()\n}\n");
            },
        },
        LineSyntax {
            name: "r-assign",
            path: "analysis/fetch.R",
            named: true,
            render: |_, d, var, _, t| {
                d.raw(&format!("library(httr)\n{} <- \"", lower(var)))
                    .val(t)
                    .raw("\"\nres <- GET(url)\n");
            },
        },
        LineSyntax {
            name: "groovy-closure",
            path: "app/build.gradle",
            named: true,
            render: |_, d, var, _, t| {
                d.raw(&format!(
                    "android {{\n    signingConfigs {{ release {{ {} \"",
                    camel(var)
                ))
                .val(t)
                .raw("\" }} }}\n}}\n");
            },
        },
        LineSyntax {
            name: "java-xml-properties",
            path: "conf/app-properties.xml",
            named: true,
            render: |_, d, var, _, t| {
                d.raw(&format!(
                    "<?xml version=\"1.0\"?>\n<properties>\n  <entry key=\"{}\">",
                    dotted(var)
                ))
                .val(t)
                .raw("</entry>\n</properties>\n");
            },
        },
        LineSyntax {
            // An older README: an indented block showing a shell session, prompt included.
            name: "markdown-prompt-session",
            path: "README.md",
            named: true,
            render: |r, d, var, _, t| {
                d.raw(&format!(
                    "Starting the {} worker\n\nIn a terminal:\n\n    $ export {var}=",
                    r.word()
                ))
                .val(t)
                .raw("\n    $ ./worker --verbose\n\nThat is all.\n");
            },
        },
        LineSyntax {
            name: "markdown-env-block",
            path: "docs/setup.md",
            named: true,
            render: |r, d, var, _, t| {
                d.raw(&format!(
                    "# Running the {} service\n\nPut this in `.env`:\n\n```env\n{var}=",
                    r.word()
                ))
                .val(t)
                .raw("\nLOG_LEVEL=info\n```\n\nThen run `make up`.\n");
            },
        },
        LineSyntax {
            name: "powershell-colon-param",
            path: "deploy/publish.ps1",
            named: true,
            render: |_, d, var, _, t| {
                d.raw(&format!(
                    "Import-Module ./Deploy.psm1\nPublish-Release -Name api -{}:",
                    pascal(var)
                ))
                .val(t)
                .raw(" -Force\n");
            },
        },
        LineSyntax {
            name: "c-option-argument",
            path: "src/fetch.c",
            named: true,
            render: |_, d, var, _, t| {
                d.raw(&format!(
                    "#include <curl/curl.h>\n\nvoid setup(CURL *h) {{\n    curl_easy_setopt(h, CURLOPT_{}, \"",
                    var.to_ascii_uppercase()
                ))
                .val(t)
                .raw("\");\n}\n");
            },
        },
        LineSyntax {
            name: "java-setter",
            path: "src/main/java/com/acme/ClientFactory.java",
            named: true,
            render: |_, d, var, _, t| {
                d.raw(&format!(
                    "class ClientFactory {{\n    Client build(Config config) {{\n        config.set{}(\"",
                    pascal(var)
                ))
                .val(t)
                .raw("\");\n        return new Client(config);\n    }\n}\n");
            },
        },
        LineSyntax {
            name: "go-byte-slice",
            path: "internal/sign/keys.go",
            named: true,
            render: |_, d, var, _, t| {
                d.raw(&format!("package sign\n\nvar {} = []byte(\"", camel(var)))
                    .val(t)
                    .raw("\")\n");
            },
        },
        LineSyntax {
            name: "pydantic-field-default",
            path: "app/settings.py",
            named: true,
            render: |_, d, var, _, t| {
                d.raw(&format!(
                    "from pydantic import BaseModel, Field\n\n\nclass Settings(BaseModel):\n    {}: str = Field(default=\"",
                    lower(var)
                ))
                .val(t)
                .raw("\")\n");
            },
        },
        LineSyntax {
            name: "spring-value-default",
            path: "src/main/java/com/acme/Keys.java",
            named: true,
            render: |_, d, var, _, t| {
                d.raw(&format!(
                    "@Component\nclass Keys {{\n    @Value(\"${{{}:",
                    dotted(var)
                ))
                .val(t)
                .raw("}\")\n    private String value;\n}\n");
            },
        },
        LineSyntax {
            name: "ruby-env-or-assign",
            path: "config/initializers/keys.rb",
            named: true,
            render: |_, d, var, _, t| {
                d.raw(&format!("ENV[\"{var}\"] ||= \"")).val(t).raw("\"\n");
            },
        },
        LineSyntax {
            name: "notebook-cell",
            path: "notebooks/explore.ipynb",
            named: true,
            render: |_, d, var, _, t| {
                d.raw(&format!(
                    "{{\n \"cells\": [\n  {{\n   \"cell_type\": \"code\",\n   \"source\": [\n    \"import os\\n\",\n    \"{} = \\\"",
                    lower(var)
                ))
                .val(t)
                .raw("\\\"\\n\"\n   ]\n  }\n ]\n}\n");
            },
        },
        LineSyntax {
            name: "dockerfile-env-legacy",
            path: "Dockerfile",
            named: true,
            render: |_, d, var, _, t| {
                d.raw(&format!("FROM python:3.12-slim\nWORKDIR /app\nENV {var} "))
                    .val(t)
                    .raw("\nCMD [\"python\", \"main.py\"]\n");
            },
        },
        LineSyntax {
            name: "kotlin-val",
            path: "app/src/main/kotlin/Config.kt",
            named: true,
            render: |_, d, var, _, t| {
                d.raw(&format!(
                    "object Config {{\n    val {}: String = \"",
                    camel(var)
                ))
                .val(t)
                .raw("\"\n}\n");
            },
        },
        LineSyntax {
            name: "makefile-default",
            path: "Makefile",
            named: true,
            render: |_, d, var, _, t| {
                d.raw(&format!(".PHONY: deploy\n{var} ?= \""))
                    .val(t)
                    .raw("\"\ndeploy:\n\t./deploy.sh\n");
            },
        },
        LineSyntax {
            name: "python-getenv-default",
            path: "app/conf.py",
            named: true,
            render: |_, d, var, _, t| {
                d.raw(&format!(
                    "import os\n\n{} = os.getenv(\"{var}\", \"",
                    lower(var)
                ))
                .val(t)
                .raw("\")\n");
            },
        },
        LineSyntax {
            name: "js-env-fallback",
            path: "server/env.js",
            named: true,
            render: |_, d, var, _, t| {
                d.raw(&format!("const cfg = {{\n  key: process.env.{var} || '"))
                    .val(t)
                    .raw("',\n};\nmodule.exports = cfg;\n");
            },
        },
        LineSyntax {
            name: "shell-default",
            path: "bin/start.sh",
            named: true,
            render: |_, d, var, _, t| {
                d.raw(&format!("#!/bin/sh\nexec ./server --auth \"${{{var}:-"))
                    .val(t)
                    .raw("}\"\n");
            },
        },
        LineSyntax {
            name: "xml-element",
            path: "conf/service.xml",
            named: true,
            render: |_, d, var, _, t| {
                d.raw(&format!(
                    "<config>\n  <host>db.internal</host>\n  <{0}>",
                    camel(var)
                ))
                .val(t)
                .raw(&format!("</{0}>\n</config>\n", camel(var)));
            },
        },
        LineSyntax {
            name: "dotnet-appsettings",
            path: "Web.config",
            named: true,
            render: |_, d, var, _, t| {
                d.raw(&format!(
                    "<appSettings>\n  <add key=\"{}\" value=\"",
                    pascal(var)
                ))
                .val(t)
                .raw("\" />\n</appSettings>\n");
            },
        },
        LineSyntax {
            name: "json-in-string",
            path: "tests/fixtures.py",
            named: true,
            render: |_, d, var, _, t| {
                d.raw(&format!("PAYLOAD = \"{{\\\"{}\\\": \\\"", lower(var)))
                    .val(t)
                    .raw("\\\"}\"\n");
            },
        },
        LineSyntax {
            name: "url-query",
            path: "src/fetch.ts",
            named: true,
            render: |_, d, var, _, t| {
                d.raw(&format!(
                    "const url = `https://api.acme.io/v2/items?limit=5&{}=",
                    lower(var)
                ))
                .val(t)
                .raw("`;\n");
            },
        },
        LineSyntax {
            name: "cli-flag",
            path: "scripts/sync.sh",
            named: true,
            render: |_, d, var, _, t| {
                d.raw(&format!(
                    "#!/bin/bash\nacme-cli sync --{} ",
                    lower(var).replace('_', "-")
                ))
                .val(t)
                .raw(" --region eu-west-1\n");
            },
        },
        LineSyntax {
            name: "csharp-ctor",
            path: "src/Worker/Program.cs",
            named: false,
            render: |_, d, _, _, t| {
                d.raw("using Acme.Client;\n\nvar client = new ApiClient(\"")
                    .val(t)
                    .raw("\");\nawait client.RunAsync();\n");
            },
        },
        LineSyntax {
            name: "python-positional",
            path: "notebooks/explore.py",
            named: false,
            render: |r, d, _, _, t| {
                d.raw(&format!("import {0}\n\nsession = {0}.connect(\"", r.word()))
                    .val(t)
                    .raw("\")\nprint(session.status())\n");
            },
        },
        LineSyntax {
            name: "markdown-prose",
            path: "README.md",
            named: false,
            render: |_, d, _, _, t| {
                d.raw("## Staging\n\nThe staging environment uses `")
                    .val(t)
                    .raw("` until we move it to the vault.\n");
            },
        },
    ]
}

// --- multi-line (armored) syntaxes -------------------------------------------------------------

pub type BlockRender = fn(&mut Rng, &mut Doc, &Token);

pub struct BlockSyntax {
    pub name: &'static str,
    pub path: &'static str,
    pub render: BlockRender,
}

pub fn block_syntaxes() -> Vec<BlockSyntax> {
    vec![
        BlockSyntax {
            name: "key-file",
            path: "deploy/keys/service.key",
            render: |_, d, t| {
                d.val(t).raw("\n");
            },
        },
        BlockSyntax {
            name: "yaml-block-scalar",
            path: "charts/api/values.yaml",
            render: |_, d, t| {
                d.raw("tls:\n  enabled: true\n  privateKey: |\n");
                let start = d.text.len() + 4;
                for line in t.text.lines() {
                    d.raw("    ").raw(line).raw("\n");
                }
                let end = d.text.len() - 1;
                d.plant_range(start..end);
            },
        },
        BlockSyntax {
            name: "json-escaped",
            path: "config/signing.json",
            render: |_, d, t| {
                d.raw("{\n  \"issuer\": \"api\",\n  \"private_key\": \"")
                    .val_mapped(t, |s| format!("{}\\n", s.replace('\n', "\\n")))
                    .raw("\"\n}\n");
            },
        },
        BlockSyntax {
            name: "python-triple-quoted",
            path: "tests/conftest.py",
            render: |_, d, t| {
                d.raw("import pytest\n\nSIGNING_KEY = \"\"\"").val(t).raw("\n\"\"\"\n\n\n@pytest.fixture\ndef signer():\n    return Signer(SIGNING_KEY)\n");
            },
        },
        BlockSyntax {
            name: "dotenv-escaped",
            path: ".env",
            render: |_, d, t| {
                d.raw("APP_ENV=production\nJWT_PRIVATE_KEY=\"")
                    .val_mapped(t, |s| s.replace('\n', "\\n"))
                    .raw("\"\n");
            },
        },
        BlockSyntax {
            name: "terraform-heredoc",
            path: "infra/tls.tf",
            render: |_, d, t| {
                d.raw("resource \"tls_locally_signed_cert\" \"api\" {\n  ca_private_key_pem = <<EOT\n").val(t).raw("\nEOT\n}\n");
            },
        },
        BlockSyntax {
            name: "java-concatenated",
            path: "src/main/java/com/acme/Keys.java",
            render: |_, d, t| {
                d.raw("final class Keys {\n    static final String SIGNING_KEY =\n");
                let lines: Vec<&str> = t.text.lines().collect();
                let start = d.text.len() + "        \"".len();
                let mut end = start;
                for (i, line) in lines.iter().enumerate() {
                    d.raw("        \"").raw(line);
                    end = d.text.len();
                    d.raw("\\n\"")
                        .raw(if i + 1 < lines.len() { " +\n" } else { ";\n" });
                }
                d.raw("}\n");
                d.plant_range(start..end);
            },
        },
        BlockSyntax {
            name: "go-raw-string",
            path: "internal/auth/testdata.go",
            render: |_, d, t| {
                d.raw("package auth\n\nconst signingKey = `")
                    .val(t)
                    .raw("\n`\n");
            },
        },
    ]
}
