//! Code actions and the commands behind them. The fixes that move a secret are commands, run
//! here on the server: the value is stored and read back first (`.env` or the vault), and only
//! then is the buffer edit sent with `workspace/applyEdit`. If anything fails, no edit is sent
//! and the user is told why, in words that never include the secret.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tower_lsp_server::ls_types::*;

use super::{
    server::{diagnostic_data, Inner, Snapshot, CLIENT_REQUEST_TIMEOUT},
    settings::ServerSettings,
    text::Lines,
};
use crate::{
    detect::Finding,
    fix::{self, dotenv, env_read, gitignore, literal, marker, refs, vault, Language},
    suppress::Baseline,
    Scanner,
};

pub const MOVE_TO_ENV: &str = "keyward.moveToEnv";
pub const MOVE_TO_VAULT: &str = "keyward.moveToVault";
pub const ADD_TO_BASELINE: &str = "keyward.addToBaseline";
pub const RELOAD: &str = "keyward.reload";
pub const COMMANDS: [&str; 4] = [MOVE_TO_ENV, MOVE_TO_VAULT, ADD_TO_BASELINE, RELOAD];

/// The one argument of every command. The secret is not in it: the server finds the finding
/// again in the current buffer by fingerprint.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommandArgs {
    pub uri: Uri,
    pub fingerprint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The variable name a fix suggests: the rule's, else the assigned identifier's, else `SECRET`.
pub fn suggested_name(f: &Finding, lit: Option<&literal::Literal>) -> String {
    f.rule
        .env_var
        .clone()
        .filter(|n| fix::is_env_name(n))
        .or_else(|| {
            lit.and_then(|l| l.assigned_to.as_deref())
                .map(fix::upper_snake)
                .filter(|n| fix::is_env_name(n))
        })
        .unwrap_or_else(|| "SECRET".into())
}

/// Where "Move to Vault" writes, if a vault is configured.
struct VaultTarget {
    conn: vault::Connection,
    mount: String,
    path_template: String,
}

fn vault_target(s: &ServerSettings, repo: &crate::config::Settings) -> Option<VaultTarget> {
    if !s.offer_vault_fix {
        return None;
    }
    let v = &s.vault;
    let conn = vault::connect(
        v.address.clone().or_else(|| repo.vault.address.clone()),
        v.token.clone(),
        v.namespace.clone().or_else(|| repo.vault.namespace.clone()),
        v.timeout_ms.map(Duration::from_millis),
    )?;
    Some(VaultTarget {
        conn,
        mount: v
            .mount
            .clone()
            .or_else(|| repo.vault.mount.clone())
            .unwrap_or_else(|| vault::DEFAULT_MOUNT.into()),
        path_template: v
            .path
            .clone()
            .or_else(|| repo.vault.path.clone())
            .unwrap_or_else(|| vault::DEFAULT_PATH.into()),
    })
}

/// The repository root (or the file's folder when there is none) and its name.
fn root_of(scanner: &Scanner, path: &Path) -> (PathBuf, String) {
    let root = scanner
        .root()
        .map(Path::to_path_buf)
        .or_else(|| path.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("."));
    let project = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project".into());
    (root, project)
}

/// Byte-range edits → a workspace edit on this document, versioned when the client supports it
/// so an edit computed for an older buffer is rejected instead of misapplied.
fn workspace_edit(snap: &Snapshot, edits: &[fix::Edit]) -> WorkspaceEdit {
    let lines = Lines::new(&snap.text);
    let text_edits: Vec<TextEdit> = edits
        .iter()
        .map(|e| {
            TextEdit::new(
                lines.range(&snap.text, e.range.clone(), snap.encoding),
                e.text.clone(),
            )
        })
        .collect();
    if snap.caps.document_changes {
        WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: snap.uri.clone(),
                    version: Some(snap.version),
                },
                edits: text_edits.into_iter().map(OneOf::Left).collect(),
            }])),
            ..WorkspaceEdit::default()
        }
    } else {
        WorkspaceEdit {
            changes: Some(HashMap::from([(snap.uri.clone(), text_edits)])),
            ..WorkspaceEdit::default()
        }
    }
}

async fn scan_snapshot(
    inner: &Inner,
    uri: &Uri,
) -> Result<(Snapshot, Arc<Scanner>, Vec<Finding>), String> {
    let snap = inner
        .snapshot(uri)
        .ok_or_else(|| format!("{} is not open in the editor", uri.as_str()))?;
    let scanner = inner.scanner(snap.path.clone()).await?;
    let (s, text, path) = (scanner.clone(), snap.text.clone(), snap.path.clone());
    let findings = tokio::task::spawn_blocking(move || {
        let rel = path.as_deref().map(|p| s.relative(p).into_owned());
        s.scan(rel.as_deref(), text.as_bytes()).findings
    })
    .await
    .map_err(|e| format!("internal error: {e}"))?;
    Ok((snap, scanner, findings))
}

pub async fn code_actions(inner: &Inner, params: CodeActionParams) -> Option<CodeActionResponse> {
    // An untrusted folder (Restricted Mode) gets diagnostics only: every fix writes a file or
    // sends the secret somewhere.
    if !inner.state().settings.trusted {
        return None;
    }
    // Our diagnostics carry the finding's fingerprint in `data`; a client that does not echo
    // `data` back still gets fixes, matched by rule id and range.
    let wanted: Vec<(Diagnostic, Option<String>)> = params
        .context
        .diagnostics
        .iter()
        .filter(|d| d.source.as_deref() == Some("keyward"))
        .map(|d| (d.clone(), diagnostic_data(d).map(|data| data.fingerprint)))
        .collect();
    if wanted.is_empty() {
        return None;
    }
    let (snap, scanner, findings) = scan_snapshot(inner, &params.text_document.uri).await.ok()?;
    let lang = Language::detect(Some(&snap.language_id), snap.path.as_deref(), &snap.text);
    let vault = vault_target(&snap.settings, scanner.settings());
    let lines = Lines::new(&snap.text);
    let mut out = Vec::new();
    for (diag, fp) in wanted {
        let found = match &fp {
            Some(fp) => findings.iter().find(|f| &f.fingerprint() == fp),
            None => findings.iter().find(|f| {
                let code_matches =
                    matches!(&diag.code, Some(NumberOrString::String(c)) if c == f.rule_id());
                code_matches && lines.range(&snap.text, f.span.clone(), snap.encoding) == diag.range
            }),
        };
        let Some(f) = found else {
            continue;
        };
        let fp = f.fingerprint();
        let lit = literal::locate(&snap.text, f.span.clone());
        let name = suggested_name(f, lit.as_ref());
        let args = serde_json::to_value(CommandArgs {
            uri: snap.uri.clone(),
            fingerprint: fp.clone(),
            name: Some(name.clone()),
        })
        .ok()?;
        let base = CodeAction {
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![diag.clone()]),
            ..CodeAction::default()
        };
        let command = |title: &str, cmd: &str| {
            Command::new(title.to_string(), cmd.to_string(), Some(vec![args.clone()]))
        };
        let movable = match (&lit, env_read::unsupported(lang)) {
            (_, Some(why)) => Err(why.to_string()),
            (None, _) => Err("the secret is part of a longer string; move it by hand".to_string()),
            (Some(_), None) if snap.path.is_none() => Err("save the file first".to_string()),
            _ => Ok(()),
        };
        let title = format!("Move to environment variable {name}");
        match &movable {
            Ok(()) => out.push(CodeAction {
                title: title.clone(),
                command: Some(command(&title, MOVE_TO_ENV)),
                is_preferred: Some(true),
                ..base.clone()
            }),
            Err(why) if snap.caps.code_action_disabled => out.push(CodeAction {
                title,
                disabled: Some(CodeActionDisabled {
                    reason: why.clone(),
                }),
                ..base.clone()
            }),
            Err(_) => {}
        }
        if let (Ok(()), Some(v)) = (&movable, &vault) {
            let (_, project) = root_of(&scanner, snap.path.as_deref().unwrap_or(Path::new(".")));
            let title = format!(
                "Move to Vault at {}: {}/{} as {name}",
                crate::config::trust::host_of(&v.conn.address),
                v.mount,
                vault::expand_path(&v.path_template, &project)
            );
            out.push(CodeAction {
                title: title.clone(),
                command: Some(command(&title, MOVE_TO_VAULT)),
                ..base.clone()
            });
        }
        let title = format!("Mark as false positive ({})", marker::SAME_LINE);
        match marker::allow_edit(lang, &snap.text, f.span.clone()) {
            Ok(e) => out.push(CodeAction {
                title,
                edit: Some(workspace_edit(&snap, &[e])),
                ..base.clone()
            }),
            Err(why) if snap.caps.code_action_disabled => out.push(CodeAction {
                title,
                disabled: Some(CodeActionDisabled { reason: why }),
                ..base.clone()
            }),
            Err(_) => {}
        }
        if scanner.settings().baseline_path.is_some() {
            out.push(CodeAction {
                title: "Add to baseline".into(),
                command: Some(command("Add to baseline", ADD_TO_BASELINE)),
                ..base
            });
        }
    }
    Some(
        out.into_iter()
            .map(CodeActionOrCommand::CodeAction)
            .collect(),
    )
}

/// Runs a command; the result is `{ "ok": bool, "message": string }` and the message is also
/// shown to the user.
pub async fn execute(inner: &Arc<Inner>, params: ExecuteCommandParams) -> Value {
    let outcome = match params.command.as_str() {
        RELOAD => {
            inner.forget_configuration();
            inner.schedule_all();
            Ok("keyward: configuration reloaded".to_string())
        }
        cmd @ (MOVE_TO_ENV | MOVE_TO_VAULT | ADD_TO_BASELINE)
            if !inner.state().settings.trusted =>
        {
            Err(format!(
                "{cmd}: this folder is not trusted; keyward shows findings but changes nothing \
                 until you trust the folder"
            ))
        }
        cmd @ (MOVE_TO_ENV | MOVE_TO_VAULT | ADD_TO_BASELINE) => {
            match params
                .arguments
                .first()
                .cloned()
                .map(serde_json::from_value::<CommandArgs>)
            {
                Some(Ok(args)) => match cmd {
                    MOVE_TO_ENV => move_to_env(inner, args).await,
                    MOVE_TO_VAULT => move_to_vault(inner, args).await,
                    _ => add_to_baseline(inner, args).await,
                },
                Some(Err(e)) => Err(format!("{cmd}: bad argument: {e}")),
                None => Err(format!(
                    "{cmd}: expected one argument {{uri, fingerprint, name}}"
                )),
            }
        }
        other => Err(format!("unknown command `{other}`")),
    };
    let (ok, message) = match outcome {
        Ok(m) => (true, m),
        Err(m) => (false, m),
    };
    let typ = if ok {
        MessageType::INFO
    } else {
        MessageType::ERROR
    };
    inner.client.show_message(typ, &message).await;
    json!({ "ok": ok, "message": message })
}

/// What both move fixes share: the finding, its literal and the buffer's language.
struct Target {
    snap: Snapshot,
    scanner: Arc<Scanner>,
    finding: Finding,
    lit: literal::Literal,
    lang: Language,
    name: String,
    path: PathBuf,
}

async fn target(inner: &Inner, args: &CommandArgs) -> Result<Target, String> {
    let (snap, scanner, findings) = scan_snapshot(inner, &args.uri).await?;
    let finding = findings
        .into_iter()
        .find(|f| f.fingerprint() == args.fingerprint)
        .ok_or("that secret is no longer in the buffer; nothing was changed")?;
    let path = snap
        .path
        .clone()
        .ok_or("save the file first: keyward needs its folder to find the repository")?;
    let lang = Language::detect(Some(&snap.language_id), Some(&path), &snap.text);
    if let Some(why) = env_read::unsupported(lang) {
        return Err(why.into());
    }
    let lit = literal::locate(&snap.text, finding.span.clone())
        .ok_or("the secret is part of a longer string; move it by hand")?;
    let name = args
        .name
        .clone()
        .filter(|n| fix::is_env_name(n))
        .unwrap_or_else(|| suggested_name(&finding, Some(&lit)));
    Ok(Target {
        snap,
        scanner,
        finding,
        lit,
        lang,
        name,
        path,
    })
}

/// Sends the buffer edit (after the value is stored) and checks the client applied it.
async fn apply(inner: &Inner, edit: WorkspaceEdit) -> Result<(), String> {
    match tokio::time::timeout(CLIENT_REQUEST_TIMEOUT, inner.client.apply_edit(edit)).await {
        Err(_) => Err("the editor did not answer workspace/applyEdit in time".into()),
        Ok(Err(e)) => Err(format!("the editor rejected the edit: {}", e.message)),
        Ok(Ok(r)) if !r.applied => Err(format!(
            "the editor did not apply the edit{}",
            r.failure_reason
                .map(|f| format!(" ({f})"))
                .unwrap_or_default()
        )),
        Ok(Ok(_)) => Ok(()),
    }
}

/// The env-read edit for `name`, re-planned when the store picked another name (`NAME_2`).
fn plan_fix(t: &Target, opts: &env_read::Options, name: &str) -> Result<env_read::EnvFix, String> {
    env_read::env_read_fix(t.lang, &t.snap.text, &t.lit, name, opts)
}

fn replan(
    t: &Target,
    opts: &env_read::Options,
    stored_as: &str,
) -> Result<env_read::EnvFix, String> {
    let base = stored_as.strip_prefix("TF_VAR_").unwrap_or(stored_as);
    let fix = plan_fix(t, opts, base)?;
    if fix.env_name != stored_as {
        return Err(format!(
            "internal error: stored as {stored_as} but the edit reads {}",
            fix.env_name
        ));
    }
    Ok(fix)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| format!("internal error: {e}"))?
}

/// How the env-read idioms are spelled for this document's settings and project.
fn env_options(settings: &ServerSettings, project: &str) -> env_read::Options {
    env_read::Options {
        kubernetes_secret: settings
            .kubernetes_secret_name
            .replace("{project}", project),
    }
}

/// Refuses, before anything is stored, a file the fix would write that is a symlink or lies
/// outside the repository (the file names come from workspace-settable settings).
fn check_write_targets(root: &Path, rels: &[&str]) -> Result<(), String> {
    for rel in rels {
        crate::fsutil::check_target(&root.join(rel), Some(root))
            .map_err(|e| format!("Nothing was changed: {e}"))?;
    }
    Ok(())
}

async fn move_to_env(inner: &Inner, args: CommandArgs) -> Result<String, String> {
    let t = Arc::new(target(inner, &args).await?);
    let (root, project) = root_of(&t.scanner, &t.path);
    let opts = env_options(&t.snap.settings, &project);
    let first = plan_fix(&t, &opts, &t.name)?;
    let settings = t.snap.settings.clone();
    let value = t.finding.secret.expose().to_string();
    let t2 = t.clone();
    let (fix, stored_as, ignore) = blocking(move || {
        check_write_targets(
            &root,
            &[&settings.env_file, &settings.env_example_file, ".gitignore"],
        )?;
        if gitignore::is_tracked(&root, &settings.env_file) == Some(true) {
            return Err(format!(
                "Nothing was changed: {} is tracked by git, so a secret written there would be committed (whatever .gitignore says). Untrack it (`git rm --cached {}`) or choose another keyward.envFile",
                settings.env_file, settings.env_file
            ));
        }
        // Ignored first, written second: the value never sits in a file git would pick up.
        let ignore = gitignore::ensure_ignored(&root, &settings.env_file)
            .map_err(|e| format!("cannot update .gitignore: {e}"))?;
        let stored_as = dotenv::store(&root.join(&settings.env_file), &first.env_name, &value)
            .map_err(|e| e.to_string())?;
        let fix = if stored_as == first.env_name {
            first
        } else {
            replan(&t2, &opts, &stored_as)?
        };
        dotenv::add_example(&root.join(&settings.env_example_file), &stored_as)
            .map_err(|e| format!("cannot update {}: {e}", settings.env_example_file))?;
        Ok((fix, stored_as, ignore))
    })
    .await?;
    let env_file = &t.snap.settings.env_file;
    apply(inner, workspace_edit(&t.snap, &fix.edits))
        .await
        .map_err(|e| format!("The secret is stored in {env_file} as {stored_as}, but the buffer was not changed: {e}"))?;
    let ignored = match ignore {
        gitignore::Outcome::Added => format!(" ({env_file} added to .gitignore)"),
        gitignore::Outcome::AlreadyIgnored => String::new(),
    };
    Ok(format!(
        "Moved the secret to {env_file} as {stored_as}{ignored}; the code now reads it from the environment. Revoke the old value if it was ever committed."
    ))
}

async fn move_to_vault(inner: &Inner, args: CommandArgs) -> Result<String, String> {
    let t = Arc::new(target(inner, &args).await?);
    let ignored = t.scanner.settings().trust_notes.join("; ");
    let v = vault_target(&t.snap.settings, t.scanner.settings()).ok_or_else(|| {
        let also = if ignored.is_empty() {
            String::new()
        } else {
            format!(" ({ignored})")
        };
        format!("no vault configured: set vault.address and vault.token in the settings, or BAO_ADDR/BAO_TOKEN (VAULT_ADDR/VAULT_TOKEN){also}")
    })?;
    let (root, project) = root_of(&t.scanner, &t.path);
    let opts = env_options(&t.snap.settings, &project);
    let first = plan_fix(&t, &opts, &t.name)?;
    let vault_path = vault::expand_path(&v.path_template, &project);
    let settings = t.snap.settings.clone();
    let value = t.finding.secret.expose().to_string();
    let t2 = t.clone();
    let (fix, r) = blocking(move || {
        check_write_targets(&root, &[&settings.refs_file, &settings.env_example_file])?;
        let client = vault::Client::new(v.conn);
        let r = client
            .store(&v.mount, &vault_path, &first.env_name, &value)
            .map_err(|e| format!("Nothing was changed: {e}"))?;
        let fix = if r.key == first.env_name {
            first
        } else {
            replan(&t2, &opts, &r.key)?
        };
        refs::record(&root.join(&settings.refs_file), &fix.env_name, &r)
            .map_err(|e| format!("The secret is in the vault at {r}, but the reference was not recorded ({e}); the buffer was not changed"))?;
        dotenv::add_example(&root.join(&settings.env_example_file), &fix.env_name)
            .map_err(|e| format!("cannot update {}: {e}", settings.env_example_file))?;
        Ok((fix, r))
    })
    .await?;
    apply(inner, workspace_edit(&t.snap, &fix.edits))
        .await
        .map_err(|e| {
            format!("The secret is stored in the vault at {r}, but the buffer was not changed: {e}")
        })?;
    Ok(format!(
        "Moved the secret to the vault at {r} (recorded in {}); run the program with `keyward run -- …`. Revoke the old value if it was ever committed.",
        t.snap.settings.refs_file
    ))
}

async fn add_to_baseline(inner: &Arc<Inner>, args: CommandArgs) -> Result<String, String> {
    let (snap, scanner, findings) = scan_snapshot(inner, &args.uri).await?;
    let f = findings
        .into_iter()
        .find(|f| f.fingerprint() == args.fingerprint)
        .ok_or("that secret is no longer in the buffer; nothing was changed")?;
    let bpath = scanner
        .settings()
        .baseline_path
        .clone()
        .ok_or("this file is not in a repository, so there is no baseline to add to")?;
    let rel = snap
        .path
        .as_deref()
        .map(|p| crate::report::display_path(&scanner.relative(p)));
    let shown = bpath.display().to_string();
    blocking(move || {
        let mut b = Baseline::load(&bpath).map_err(|e| e.to_string())?;
        // Written anyway, so an unsalted (0.1) baseline is rekeyed with a salt now.
        b.migrate();
        b.insert_finding(&f.fingerprint(), f.rule_id(), rel.into_iter().collect());
        b.save(&bpath)
            .map_err(|e| format!("cannot write {}: {e}", bpath.display()))
    })
    .await?;
    inner.forget_configuration();
    inner.schedule_all();
    Ok(format!(
        "Added the finding to the baseline ({shown}); commit that file."
    ))
}
