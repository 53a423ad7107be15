//! Starts the moto AWS emulator on a free loopback port and stops it on drop.
//!
//! moto is installed by `scripts/setup-moto.sh` into `$FLOWFORGE_MOTO_VENV` or `.venv-moto`.
//! A missing install fails the test with the command to run: an emulator test that skips
//! silently would pass without testing anything.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running moto server.
pub struct Moto {
    child: Child,
    pub port: u16,
    /// What clients and scans use: moto behind the App Runner front ([`super::apprunner`]).
    pub endpoint: String,
    /// App Runner, which moto lacks: put services here.
    pub apprunner: super::apprunner::Front,
    log: PathBuf,
}

/// Where `scripts/setup-moto.sh` put moto.
pub fn venv() -> PathBuf {
    match std::env::var_os("FLOWFORGE_MOTO_VENV") {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv-moto"),
    }
}

pub fn moto_server_bin() -> PathBuf {
    venv().join("bin").join("moto_server")
}

/// `scripts/moto_server.py`: moto's server with its per-request log off and its backend
/// dispatch remembered (the file says why); the benchmarks start moto the same way.
pub fn moto_launcher() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts").join("moto_server.py")
}

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    l.local_addr().expect("local addr").port()
}

/// One HTTP/1.1 request to the server (loopback only); returns the status line and body.
pub fn http(port: u16, method: &str, path: &str, body: &str) -> std::io::Result<(String, String)> {
    http_with(port, method, path, &[], body)
}

/// [`http`] with extra headers.
pub fn http_with(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<(String, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let extra: String = headers.iter().map(|(k, v)| format!("{k}: {v}\r\n")).collect();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut out = String::new();
    s.read_to_string(&mut out)?;
    let status = out.lines().next().unwrap_or_default().to_owned();
    let body = out.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    Ok((status, body))
}

impl Moto {
    /// Starts moto with `MOTO_EC2_LOAD_DEFAULT_AMIS=false` and waits until it answers.
    pub fn start() -> Moto {
        let bin = moto_server_bin();
        assert!(
            bin.exists(),
            "moto is not installed at {}: run `scripts/setup-moto.sh` (or set FLOWFORGE_MOTO_VENV to a virtualenv with moto[server])",
            bin.display()
        );
        let port = free_port();
        let log = std::env::temp_dir().join(format!("flowforge-moto-{port}.log"));
        let log_file = std::fs::File::create(&log).expect("create moto log file");
        let err_file = log_file.try_clone().expect("clone log handle");
        let child = Command::new(venv().join("bin").join("python"))
            .arg(moto_launcher())
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
            // Never forward to real AWS, whatever the environment says.
            .env_remove("MOTO_PROXY")
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(err_file)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}; run `scripts/setup-moto.sh`", bin.display()));
        let apprunner = super::apprunner::Front::start(port);
        let endpoint = format!("http://127.0.0.1:{}", apprunner.port);
        let mut moto = Moto { child, port, endpoint, apprunner, log };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok((status, _)) = http(port, "GET", "/moto-api/data.json", "") {
                if status.contains(" 200") {
                    break;
                }
            }
            if let Ok(Some(code)) = moto.child.try_wait() {
                panic!("moto_server exited with {code} before answering; log: {}", moto.log_text());
            }
            assert!(Instant::now() < deadline, "moto_server did not answer within 60 s; log: {}", moto.log_text());
            std::thread::sleep(Duration::from_millis(100));
        }
        // Lambda without Docker: functions "run" in-process and always succeed (secret
        // rotation invokes its Lambda).
        let (status, body) = http(port, "POST", "/moto-api/config", r#"{"lambda": {"use_docker": false}}"#)
            .expect("POST /moto-api/config");
        assert!(status.contains(" 20"), "moto config answered {status}: {body}");
        moto
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// From now on moto checks every request against the caller's IAM policies
    /// (its `INITIAL_NO_AUTH_ACTION_COUNT`, set to 0 at run time).
    pub fn enforce_iam(&self) {
        let (status, body) = http(self.port, "POST", "/moto-api/reset-auth", "0").expect("POST /moto-api/reset-auth");
        assert!(status.contains(" 200"), "reset-auth answered {status}: {body}");
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}
