//! Helpers for the `keyward scan`/`baseline`/`rules`/`config` tests.
#![allow(dead_code)]

use std::{
    path::Path,
    process::{Command, Output, Stdio},
    time::{Duration, Instant},
};

/// Runs `keyward ARGS` in `dir`.
pub fn kw(dir: &Path, args: &[&str]) -> Output {
    super::run(super::keyward().current_dir(dir).args(args))
}

/// Runs a command but kills it (and fails the test) if it is still running after `limit`:
/// for cases such as a symlink loop, where the bug would be a hang.
pub fn run_with_deadline(c: &mut Command, limit: Duration) -> Output {
    let mut child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn keyward");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("keyward did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally")
}

/// Asserts the exit code, showing both streams when it differs.
pub fn assert_code(o: &Output, want: i32) {
    assert_eq!(
        code(o),
        want,
        "stdout:\n{}\nstderr:\n{}",
        super::stdout(o),
        super::stderr(o)
    );
}

/// Asserts that neither stream contains `secret`.
pub fn assert_no_leak(o: &Output, secret: &str) {
    assert!(
        !super::stdout(o).contains(secret),
        "secret leaked on stdout:\n{}",
        super::stdout(o)
    );
    assert!(
        !super::stderr(o).contains(secret),
        "secret leaked on stderr:\n{}",
        super::stderr(o)
    );
}
