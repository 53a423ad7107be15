//! A loopback HTTP proxy in front of moto that can delay every answer (a model of real AWS
//! latency, for the org benchmark), refuse `sts:AssumeRole` into chosen accounts (an
//! account whose audit role cannot be assumed: moto itself lets anyone assume any role),
//! answer the first requests of a path with throttling or 5xx, and rewrite a request body.
//!
//! One thread per client connection; each request is forwarded on a fresh connection to moto
//! (`Connection: close`, read to the end), so the proxy needs no HTTP parsing of answers.
//! Only loopback addresses are ever used.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// What the proxy does besides forwarding.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    /// Added before every answer.
    pub latency: Duration,
    /// AssumeRole into a role of these accounts is answered AccessDenied.
    pub deny_assume_role_into: Vec<String>,
    /// The first requests whose request line contains `path` are answered with these HTTP
    /// statuses, in order, instead of moto (429 as TooManyRequestsException, any other as
    /// ServiceUnavailable), then forwarded again: throttling and 5xx for the retry tests.
    pub fail_first: Option<(&'static str, Vec<u16>)>,
    /// Rewrites the body of requests whose request line contains the path before moto sees it
    /// (moto checks no signature): a malformed request the client would not send.
    pub rewrite: Option<(&'static str, Rewrite)>,
}

/// A request body rewrite (see [`Rules::rewrite`]).
pub type Rewrite = fn(&[u8]) -> Vec<u8>;

/// A running proxy; it stops with the process (its threads block on loopback sockets only).
pub struct Proxy {
    pub endpoint: String,
    /// Requests answered so far.
    pub requests: Arc<AtomicU64>,
    /// Requests answered with a `fail_first` status so far.
    pub failed: Arc<AtomicU64>,
}

impl Proxy {
    /// Starts a proxy to moto's `upstream_port`.
    pub fn start(upstream_port: u16, rules: Rules) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().expect("local addr").port();
        let requests = Arc::new(AtomicU64::new(0));
        let failed = Arc::new(AtomicU64::new(0));
        let (counter, failures) = (requests.clone(), failed.clone());
        let rules = Arc::new(rules);
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (rules, counter, failures) = (rules.clone(), counter.clone(), failures.clone());
                std::thread::spawn(move || {
                    let _ = serve(client, upstream_port, &rules, &counter, &failures);
                });
            }
        });
        Proxy { endpoint: format!("http://127.0.0.1:{port}"), requests, failed }
    }
}

fn serve(
    client: TcpStream,
    upstream_port: u16,
    rules: &Rules,
    counter: &AtomicU64,
    failures: &AtomicU64,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let mut client = client;
    loop {
        // The request head, then its body (Content-Length; the scanner sends no chunked body).
        let mut head = Vec::new();
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 {
                return Ok(());
            }
            if line == "\r\n" {
                break;
            }
            let lower = line.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
            if !lower.starts_with("connection:") {
                head.push(line);
            }
        }
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body)?;
        std::thread::sleep(rules.latency);
        counter.fetch_add(1, Ordering::Relaxed);
        let request_line = head.first().cloned().unwrap_or_default();
        if let Some((path, statuses)) = &rules.fail_first {
            if request_line.contains(path) {
                let n = failures.load(Ordering::Relaxed) as usize;
                if let Some(status) = statuses.get(n) {
                    failures.fetch_add(1, Ordering::Relaxed);
                    let (reason, code) = match status {
                        429 => ("Too Many Requests", "TooManyRequestsException"),
                        _ => ("Service Unavailable", "ServiceUnavailableException"),
                    };
                    let json = format!("{{\"message\":\"injected by the test proxy\",\"__type\":\"{code}\"}}");
                    write!(
                        client,
                        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nX-Amzn-ErrorType: {code}\r\nContent-Length: {}\r\n\r\n{json}",
                        json.len()
                    )?;
                    continue;
                }
            }
        }
        if let Some((path, rewrite)) = &rules.rewrite {
            if request_line.contains(path) {
                body = rewrite(&body);
                for line in head.iter_mut() {
                    if line.to_ascii_lowercase().starts_with("content-length:") {
                        *line = format!("Content-Length: {}\r\n", body.len());
                    }
                }
            }
        }
        let text = String::from_utf8_lossy(&body);
        let denied = text.contains("Action=AssumeRole")
            && rules.deny_assume_role_into.iter().any(|id| text.contains(&format!("iam%3A%3A{id}%3Arole")));
        if denied {
            let xml = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>\
                       <Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole</Message>\
                       </Error><RequestId>proxy</RequestId></ErrorResponse>";
            write!(
                client,
                "HTTP/1.1 403 Forbidden\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{xml}",
                xml.len()
            )?;
            continue;
        }
        let mut upstream = TcpStream::connect(("127.0.0.1", upstream_port))?;
        for line in &head {
            upstream.write_all(line.as_bytes())?;
        }
        upstream.write_all(b"Connection: close\r\n\r\n")?;
        upstream.write_all(&body)?;
        let mut answer = Vec::new();
        upstream.read_to_end(&mut answer)?;
        client.write_all(&answer)?;
        // moto answered `Connection: close` (or not): either way the client may reuse its
        // connection only if the answer says so, and then we keep serving it.
        let head_end = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(answer.len());
        if String::from_utf8_lossy(&answer[..head_end]).to_ascii_lowercase().contains("connection: close") {
            return Ok(());
        }
    }
}
