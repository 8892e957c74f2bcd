//! What the hostile-input tests share: the binary run with a bounded wait, so a hang fails the
//! test instead of stalling it, and a panic fails it whatever the test goes on to check.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Longest a case may run before it counts as a hang. A bound on hangs, not a timing
/// assertion: a case that finishes is judged by its output only.
pub(crate) const HANG: Duration = Duration::from_secs(120);

/// What a finished `blackstart` process left.
pub(crate) struct Outcome {
    /// Its exit code.
    pub(crate) code: i32,
    /// Its standard output.
    pub(crate) stdout: String,
    /// Its standard error.
    pub(crate) stderr: String,
}

/// Runs `blackstart args` (in `cwd` when given), killing it and failing after [`HANG`], and
/// failing on a panic (a "panicked" message or exit 101).
pub(crate) fn blackstart_in(cwd: Option<&Path>, args: &[&str]) -> Outcome {
    let mut command = Command::new(env!("CARGO_BIN_EXE_blackstart"));
    command
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(dir) = cwd {
        command.current_dir(dir);
    }
    let mut child = command.spawn().expect("the blackstart binary runs");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            pipe.read_to_string(&mut text).unwrap();
            text
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > HANG {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("blackstart {args:?} hung (killed after {HANG:?})");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let outcome = Outcome {
        code: status.code().expect("exited, not killed by a signal"),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    };
    assert!(
        !outcome.stderr.contains("panicked") && outcome.code != 101,
        "blackstart {args:?} panicked: {}",
        outcome.stderr
    );
    outcome
}
