//! The Neovim plugin (`editors/nvim`) against the real `keyward lsp` in a real headless Neovim:
//! the plugin attaches the server on its own, the diagnostic arrives, `:KeywardFix env` moves
//! the secret into `.env`, and the buffer ends up reading the environment variable.
//!
//! Neovim runs a script from `tests/nvim/`, which writes what it saw as JSON; this side builds the
//! fake secret, makes the git repository, bounds the run with a timeout, and checks the files.

mod common;

use std::{
    ffi::OsStr,
    fs,
    path::{Path, PathBuf},
    process::{Command, ExitStatus, Stdio},
    thread,
    time::{Duration, Instant},
};

/// Neovim gets this long before it is killed; the Lua side bounds each of its waits well below.
const NVIM_TIMEOUT: Duration = Duration::from_secs(90);
/// Each wait inside the Lua script.
const LUA_WAIT_MS: u64 = 20_000;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What a `tests/nvim/*.lua` script writes to `$KEYWARD_TEST_OUT`.
struct LuaResult {
    json: serde_json::Value,
}

impl LuaResult {
    fn stage(&self) -> &str {
        self.json["stage"].as_str().unwrap_or("?")
    }

    fn buffer(&self) -> Vec<String> {
        self.json["buffer"]
            .as_array()
            .map(|lines| {
                lines
                    .iter()
                    .filter_map(|l| l.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

struct NvimRun {
    status: Option<ExitStatus>,
    result: Option<LuaResult>,
    log: String,
}

/// Runs `tests/nvim/<script>` in a headless Neovim started in `cwd` with an isolated home and
/// the script's inputs in `vars`, and kills it after `NVIM_TIMEOUT` so a broken server or plugin
/// can never hang the test suite.
fn run_nvim(nvim: &Path, script: &str, cwd: &Path, vars: &[(&str, &OsStr)]) -> NvimRun {
    let scratch = tempfile::tempdir().expect("temp dir");
    let out = scratch.path().join("result.json");
    let log_path = scratch.path().join("nvim.log");
    let log = fs::File::create(&log_path).expect("log file");

    let mut cmd = Command::new(nvim);
    cmd.args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!(
            "luafile {}",
            repo_root().join("tests/nvim").join(script).display()
        ))
        .current_dir(cwd)
        .env("KEYWARD_TEST_PLUGIN", repo_root().join("editors/nvim"))
        .env("KEYWARD_TEST_BIN", common::keyward_bin())
        .env("KEYWARD_TEST_OUT", &out)
        .env("KEYWARD_TEST_WAIT_MS", LUA_WAIT_MS.to_string())
        // Neovim's own state (LSP log, shada, swap) and anything the server reads from home
        // (a vault token file, user config) stay inside the scratch directory.
        .env("HOME", scratch.path())
        .env("XDG_CONFIG_HOME", scratch.path().join("config"))
        .env("XDG_DATA_HOME", scratch.path().join("data"))
        .env("XDG_STATE_HOME", scratch.path().join("state"))
        .env("XDG_CACHE_HOME", scratch.path().join("cache"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", common::empty_git_config())
        .env_remove("KEYWARD_PATH")
        .env_remove("VIMINIT")
        .env_remove("NVIM_LISTEN_ADDRESS");
    for var in [
        "BAO_ADDR",
        "BAO_TOKEN",
        "VAULT_ADDR",
        "VAULT_TOKEN",
        "BAO_NAMESPACE",
        "VAULT_NAMESPACE",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(vars.iter().copied());
    common::isolate(&mut cmd);
    cmd.stdin(Stdio::null())
        .stdout(log.try_clone().expect("log file"))
        .stderr(log);

    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", nvim.display()));
    let deadline = Instant::now() + NVIM_TIMEOUT;
    let status = loop {
        match child.try_wait().expect("wait for nvim") {
            Some(status) => break Some(status),
            None if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            None => thread::sleep(Duration::from_millis(50)),
        }
    };

    let result = fs::read_to_string(&out).ok().map(|text| LuaResult {
        json: serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("bad JSON from Lua ({e}): {text}")),
    });
    let mut log = fs::read_to_string(&log_path).unwrap_or_default();
    if let Ok(lsp_log) = fs::read_to_string(scratch.path().join("cache/nvim/lsp.log")) {
        log.push_str("\n--- lsp.log ---\n");
        log.push_str(&lsp_log);
    }
    NvimRun {
        status,
        result,
        log,
    }
}

/// A dotenv line `NAME=value` (value possibly quoted) whose value is `secret`.
fn env_name_holding(dotenv: &str, secret: &str) -> Option<String> {
    dotenv.lines().find_map(|line| {
        let line = line.trim().trim_start_matches("export ");
        let (name, value) = line.split_once('=')?;
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        (value == secret).then(|| name.trim().to_owned())
    })
}

/// The repository after a successful `:KeywardFix env`, with what Neovim reported.
struct Fixed {
    repo: tempfile::TempDir,
    secret: String,
    /// deploy.py as written by Neovim.
    written: String,
    result: LuaResult,
}

/// Opens deploy.py with a fake GitHub token in a fresh git repository, lets the plugin attach
/// the server (with `settings` as setup()'s settings, a JSON object), applies `:KeywardFix
/// <kind>` and writes the buffer. Checks the parts every variant shares; `None` when nvim is
/// missing.
fn fix_in_neovim(seed: u64, kind: &str, settings: Option<&str>) -> Option<Fixed> {
    let nvim = common::require_tool("nvim")?;
    let repo = common::git_repo();
    let secret = common::fake::github_pat(seed);
    let source = format!(
        "\"\"\"Deploy helper.\"\"\"\nimport sys\n\ntoken = \"{secret}\"\n\n\ndef main():\n    print(len(token), sys.argv)\n"
    );
    let file = repo.path().join("deploy.py");
    fs::write(&file, &source).unwrap();

    let vars = [
        ("KEYWARD_TEST_FILE", file.as_os_str()),
        ("KEYWARD_TEST_SETTINGS", OsStr::new(settings.unwrap_or(""))),
        ("KEYWARD_TEST_KIND", OsStr::new(kind)),
    ];
    let run = run_nvim(&nvim, "quickfix.lua", repo.path(), &vars);
    let context = |what: &str| {
        format!(
            "{what}\nexit: {:?}\nresult: {}\nnvim output:\n{}",
            run.status,
            run.result
                .as_ref()
                .map(|r| r.json.to_string())
                .unwrap_or_else(|| "(none)".into()),
            run.log
        )
    };
    let status = run
        .status
        .unwrap_or_else(|| panic!("{}", context("nvim timed out and was killed")));
    let result = run
        .result
        .as_ref()
        .unwrap_or_else(|| panic!("{}", context("the Lua script wrote no result")));
    assert!(
        status.success() && result.stage() == "done",
        "{}",
        context("the Lua script failed")
    );

    // The diagnostic: keyward's, for the token's line, with the rule id as code, redacted.
    let diagnostics = result.json["diagnostics"].as_array().expect("diagnostics");
    let diagnostic = diagnostics
        .iter()
        .find(|d| d["code"] == "github-pat-classic")
        .unwrap_or_else(|| panic!("{}", context("no github-pat-classic diagnostic")));
    assert_eq!(
        diagnostic["lnum"],
        3,
        "{}",
        context("diagnostic on the wrong line")
    );
    let message = diagnostic["message"].as_str().unwrap_or_default();
    assert!(
        !message.contains(&secret),
        "the diagnostic shows the whole secret: {message}"
    );
    assert_eq!(
        result.json["client_count"],
        1,
        "{}",
        context("one server per project")
    );
    assert_eq!(
        result.json["diagnostics_after_fix"],
        0,
        "{}",
        context("the diagnostic stayed after the fix")
    );

    let written = fs::read_to_string(&file).unwrap();
    assert_eq!(
        written.lines().map(str::to_owned).collect::<Vec<_>>(),
        result.buffer(),
        "the file on disk is not the buffer"
    );
    // Nothing else in the file moved.
    assert!(
        written.starts_with("\"\"\"Deploy helper.\"\"\"\n"),
        "{written}"
    );
    assert!(
        written.contains("def main():\n    print(len(token), sys.argv)\n"),
        "{written}"
    );

    let result = run.result.unwrap();
    Some(Fixed {
        repo,
        secret,
        written,
        result,
    })
}

impl Fixed {
    /// Checks that `dotenv` (relative to the repository) holds the secret, is ignored by git and
    /// listed in .gitignore, that the buffer reads the variable and that `.env.example` names it
    /// without the value. Returns the variable's name.
    fn assert_moved_to(&self, dotenv: &str) -> String {
        let root = self.repo.path();
        let written = &self.written;
        assert!(
            !written.contains(&self.secret),
            "the secret is still in the file:\n{written}"
        );
        assert!(
            written.lines().any(|l| l.trim() == "import os"),
            "`import os` was not added:\n{written}"
        );
        let text = fs::read_to_string(root.join(dotenv)).unwrap_or_else(|e| {
            panic!(
                "{dotenv} was not written ({e}); nvim reported {}",
                self.result.json
            )
        });
        let name = env_name_holding(&text, &self.secret)
            .unwrap_or_else(|| panic!("{dotenv} does not hold the secret:\n{text}"));

        let env_read = [
            format!("token = os.environ[\"{name}\"]"),
            format!("token = os.getenv(\"{name}\")"),
        ];
        assert!(
            env_read
                .iter()
                .any(|read| self.written.contains(read.as_str())),
            "the literal was not replaced by an environment read of {name}:\n{}",
            self.written
        );

        let gitignore = fs::read_to_string(root.join(".gitignore")).unwrap_or_default();
        assert!(
            gitignore
                .lines()
                .any(|l| l.trim().trim_start_matches('/') == dotenv),
            ".gitignore does not list {dotenv}:\n{gitignore}"
        );
        let ignored = common::run(common::git(root).args(["check-ignore", "-q", dotenv]));
        assert!(ignored.status.success(), "git does not ignore {dotenv}");

        let example = fs::read_to_string(root.join(".env.example")).unwrap_or_default();
        assert!(
            example.lines().any(|l| l.trim() == format!("{name}=")),
            ".env.example:\n{example}"
        );
        assert!(
            !example.contains(&self.secret),
            ".env.example holds the secret"
        );
        name
    }
}

#[test]
fn neovim_plugin_moves_a_secret_to_an_environment_variable() {
    let Some(fixed) = fix_in_neovim(0x6e76_696d, "env", None) else {
        return;
    };
    let name = fixed.assert_moved_to(".env");
    assert_eq!(name, "GITHUB_TOKEN", "the rule's variable name");
}

#[test]
fn neovim_plugin_passes_its_settings_to_the_server() {
    // setup({ settings = ... }) reaches the server as initializationOptions (and again in the
    // didChangeConfiguration the plugin sends on init): the value goes to the configured file.
    let settings = r#"{"envFile": "deploy.env", "vault": {"mount": "kv"}}"#;
    let Some(fixed) = fix_in_neovim(0x7365_7474, "env", Some(settings)) else {
        return;
    };
    fixed.assert_moved_to("deploy.env");
    assert!(
        !fixed.repo.path().join(".env").exists(),
        "the default .env was written despite envFile"
    );
}

#[test]
fn neovim_plugin_attaches_to_every_real_file_once_per_project() {
    let Some(nvim) = common::require_tool("nvim") else {
        return;
    };
    let first = common::git_repo();
    let second = common::git_repo();
    fs::create_dir(first.path().join("docs")).unwrap();
    let files = [
        first.path().join("app.py"),
        // No extension, no shebang: Neovim gives it no filetype, and it must be scanned anyway.
        first.path().join("docs/NOTES"),
        second.path().join("main.go"),
    ];
    fs::write(&files[0], "print('hello')\n").unwrap();
    let secret = common::fake::github_pat(0x6e6f_7465);
    fs::write(&files[1], format!("ci token: {secret}\n")).unwrap();
    fs::write(&files[2], "package main\n").unwrap();

    let list = files
        .iter()
        .map(|f| f.display().to_string())
        .collect::<Vec<_>>()
        .join("\n");
    let run = run_nvim(
        &nvim,
        "attach.lua",
        first.path(),
        &[("KEYWARD_TEST_FILES", OsStr::new(&list))],
    );
    let json = run
        .result
        .as_ref()
        .map(|r| r.json.clone())
        .unwrap_or_else(|| panic!("no result; exit {:?}\n{}", run.status, run.log));
    let status = run
        .status
        .unwrap_or_else(|| panic!("nvim timed out: {json}\n{}", run.log));
    assert!(
        status.success() && json["stage"] == "done",
        "attach.lua failed: {json}\n{}",
        run.log
    );

    let file = |i: usize| &json["files"][i];
    assert_eq!(
        file(1)["filetype"],
        "",
        "NOTES was meant to have no filetype: {json}"
    );
    assert_eq!(
        file(0)["client"],
        file(1)["client"],
        "one server for one repository: {json}"
    );
    assert_ne!(
        file(0)["client"],
        file(2)["client"],
        "a second repository gets its own server: {json}"
    );
    let canonical = |p: &Path| p.canonicalize().unwrap();
    for (i, repo) in [(0, first.path()), (1, first.path()), (2, second.path())] {
        let root = Path::new(file(i)["root"].as_str().unwrap_or_default());
        assert_eq!(canonical(root), canonical(repo), "root of file {i}: {json}");
    }
    assert_eq!(json["client_count"], 2, "{json}");
    assert_eq!(
        json["scratch_client"], false,
        "a scratch buffer got a server: {json}"
    );
    let plain = json["plain_diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        plain
            .iter()
            .any(|d| d["source"] == "keyward" && d["lnum"] == 0),
        "the file without a filetype was not scanned: {json}"
    );
}

#[test]
fn neovim_plugin_applies_a_plain_edit_fix() {
    // "Mark as false positive" is a code action with an edit (no server command): the plugin
    // applies it itself. The secret stays, marked, and nothing is written anywhere else.
    let Some(fixed) = fix_in_neovim(0x616c_6c6f, "false-positive", None) else {
        return;
    };
    let line = fixed
        .written
        .lines()
        .find(|l| l.contains(&fixed.secret))
        .unwrap_or_else(|| panic!("the secret's line is gone:\n{}", fixed.written));
    assert!(
        line.contains("keyward:allow"),
        "no allow marker on the secret's line: {line}"
    );
    assert!(
        line.starts_with("token = \""),
        "the assignment changed: {line}"
    );
    for file in [".env", ".env.example", ".gitignore"] {
        assert!(
            !fixed.repo.path().join(file).exists(),
            "{file} was written by a marker fix"
        );
    }
}
