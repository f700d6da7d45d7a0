//! `hooks/org-rollout.sh`: binary + policy + global hook on a (simulated) developer machine.

mod common;

use std::{path::Path, process::Command};

use common::{run, stderr, stdout};

#[test]
fn org_rollout_installs_binary_policy_and_global_hook_idempotently() {
    let m = tempfile::tempdir().unwrap();
    let root = m.path();
    let gitconfig = root.join("gitconfig");
    std::fs::write(&gitconfig, "").unwrap();
    let policy = root.join("org-policy.toml");
    std::fs::write(&policy, "[hook]\nfail_open = true\nallow_skip = false\n").unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("hooks/org-rollout.sh");
    let rollout = || {
        let mut c = Command::new("sh");
        common::isolate(&mut c);
        c.arg(&script)
            .arg("--binary")
            .arg(common::keyward_bin())
            .arg("--policy")
            .arg(&policy)
            .arg("--bin-dir")
            .arg(root.join("bin"))
            .arg("--policy-dest")
            .arg(root.join("etc/keyward/policy.toml"))
            .args(["--agents", "claude,cursor"])
            .env("HOME", root)
            .env("XDG_CONFIG_HOME", root.join("config"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", &gitconfig);
        let o = run(&mut c);
        assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
        stdout(&o)
    };
    let first = rollout();
    assert!(
        first.contains("installing") && first.contains("bin/keyward"),
        "{first}"
    );
    assert!(root.join("bin/keyward").is_file());
    assert_eq!(
        std::fs::read(root.join("etc/keyward/policy.toml")).unwrap(),
        std::fs::read(&policy).unwrap()
    );
    let hooks = root.join("config/keyward/hooks");
    let shim = std::fs::read_to_string(hooks.join("pre-commit")).unwrap();
    assert!(
        shim.contains("keyward_fail_open='1'"),
        "policy's fail_open baked in: {shim}"
    );
    assert!(gitconfig.exists());
    let cfg = std::fs::read_to_string(&gitconfig).unwrap();
    assert!(cfg.contains(hooks.to_str().unwrap()), "{cfg}");

    // The agent hooks, in the user's own settings, naming the installed binary.
    let claude = std::fs::read_to_string(root.join(".claude/settings.json")).unwrap();
    assert!(
        claude.contains(&format!(
            "{} agent-hook --agent claude PreToolUse",
            root.join("bin/keyward").display()
        )),
        "{claude}"
    );
    assert!(root.join(".cursor/hooks.json").is_file());

    let second = rollout();
    assert!(second.contains("claude: already installed"), "{second}");
    assert!(second.contains("is up to date"), "{second}");
    assert!(
        !second.contains("installing"),
        "nothing re-copied: {second}"
    );
}
