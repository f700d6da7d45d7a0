//! The text of the `move_secret_to_vault` prompt and the `keyward://guide/move-secret` resource:
//! how to take a hardcoded credential out of code and read it from the environment or a vault.
//! One text for both, so a client that only shows prompts and one that only reads resources
//! teach the same steps. It names keyward's own tools (`keyward run`, `.keyward.refs`, the
//! language server's fixes) as they behave, and never asks for the value itself.

/// The resource's URI.
pub const URI: &str = "keyward://guide/move-secret";

/// The guide in Markdown.
pub const TEXT: &str = r#"# Moving a hardcoded credential to a vault or environment reference

Never paste, print, log or repeat the secret's value while doing this, and do not read `.env`
files to "check" it: refer to it only by its variable name.

1. **Rotate first.** A credential that reached a file, a prompt or a commit is leaked. Revoke or
   rotate it with its provider (each finding's `remediation` and `reference` say where). Moving
   it out of the code afterwards stops the next leak, it does not undo this one.
2. **Pick the variable name.** Use the finding's `env_var` when there is one (`GITHUB_TOKEN`),
   otherwise the name the code assigns it to, in UPPER_SNAKE_CASE.
3. **Replace the literal with a reference**, never with another literal. The finding's
   `replace_with` is the idiom for the file's language, for example:
   - Python `os.environ["NAME"]`, JavaScript/TypeScript `process.env.NAME`, Go `os.Getenv("NAME")`,
     Rust `std::env::var("NAME")`, Java/Kotlin `System.getenv("NAME")`, Ruby `ENV.fetch("NAME")`,
     shell `"${NAME:?}"`;
   - GitHub Actions `${{ secrets.NAME }}`, Docker Compose `${NAME:?}`, Kubernetes a
     `secretKeyRef` to a Secret;
   - MCP and agent configuration (`.mcp.json`, `.cursor/mcp.json`, VS Code `mcp.json`): put
     `${env:NAME}` / `${NAME}` (whatever the client expands) in `env`, `args` or `headers`
     instead of the key.
4. **Store the value outside the repository**, where the user puts it (not the agent):
   - a vault: HashiCorp Vault or OpenBao KV v2, recorded in the committed `.keyward.refs` as
     `NAME=ref+vault://<mount>/data/<path>#<key>`; `keyward run -- CMD` resolves the references
     and runs CMD with them set (the editor's "Move to Vault" quick-fix writes both for you);
   - or a git-ignored `.env` (`NAME=value`, mode 0600), read by `keyward run` or the app's own
     dotenv loader; make sure `.env` is in `.gitignore`;
   - or the CI's secret store for pipelines.
5. **Check.** Run `scan_path` on the file (or `check_staged` before committing): the finding must
   be gone. If the literal was already committed, the commit still holds it: rotation (step 1)
   is what makes history harmless.
"#;

/// The prompt's first message, optionally about one rule and one file.
pub fn prompt(rule_id: Option<&str>, path: Option<&str>) -> String {
    let mut ask = String::from(
        "Move the hardcoded credential keyward found out of the code, following the guide below.",
    );
    if let Some(r) = rule_id.map(str::trim).filter(|r| !r.is_empty()) {
        ask.push_str(&format!(
            " The finding's rule is `{r}` (call explain_finding for its remediation)."
        ));
    }
    if let Some(p) = path.map(str::trim).filter(|p| !p.is_empty()) {
        ask.push_str(&format!(" The file is `{p}`."));
    }
    format!("{ask}\n\n{TEXT}")
}
