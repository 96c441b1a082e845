//! The built `kabinet` binary as an installer runs it, for the tests that start it as a child
//! process (`clinic_from_nothing`, `backup_restore`): a clean environment, a folder of its own,
//! a free port, and a server that is stopped when the test ends.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// `kabinet` with none of this environment's KABINET_* settings, in `dir` (its default data
/// paths are relative to it), listening on `port` when it serves.
pub fn kabinet(dir: &Path, port: u16) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kabinet"));
    for (k, _) in std::env::vars() {
        if k.starts_with("KABINET_") {
            cmd.env_remove(k);
        }
    }
    cmd.current_dir(dir).env("KABINET_ADDR", format!("127.0.0.1:{port}")).env("KABINET_LOG", "warn");
    cmd.stdin(Stdio::null());
    cmd
}

/// Runs a command to its end: exit code, stdout, stderr.
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let Output { status, stdout, stderr } = cmd.output().expect("kabinet runs");
    (status.code().unwrap_or(-1), String::from_utf8_lossy(&stdout).into(), String::from_utf8_lossy(&stderr).into())
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A running `kabinet serve`, killed when dropped.
pub struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `cmd serve` and waits until it answers `/readyz` (at most 60 s).
pub async fn serve(mut cmd: Command, port: u16) -> Server {
    let server = Server(cmd.arg("serve").stdout(Stdio::null()).spawn().expect("kabinet serve"));
    let started = Instant::now();
    while reqwest::get(format!("http://127.0.0.1:{port}/readyz")).await.map(|r| r.status() != 200).unwrap_or(true) {
        assert!(started.elapsed() < Duration::from_secs(60), "the portal answers within 60 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server
}
