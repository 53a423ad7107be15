//! A loopback HTTP proxy in front of moto that can delay every answer (a model of real AWS
//! latency, for the org benchmark), refuse `sts:AssumeRole` into chosen accounts (an
//! account whose audit role cannot be assumed: moto itself lets anyone assume any role),
//! answer the first requests of a path with throttling or 5xx, rewrite a request body, and
//! throttle chosen accounts (moto never throttles).
//!
//! Throttling follows the credentials: when moto answers an `AssumeRole` into a throttled
//! account, the proxy notes the access key id it hands out, and every request signed with that
//! key (`Credential=<key>/` in its `Authorization` header) is answered with the protocol's
//! throttling error the first N times the same request (request line and body) is seen; the
//! SDK's retries then get through.
//!
//! One thread per client connection; each request is forwarded on a fresh connection to moto
//! (`Connection: close`, read to the end), so the proxy needs no HTTP parsing of answers.
//! Only loopback addresses are ever used.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
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
    /// Account id → how many times each distinct request signed with that account's
    /// assumed-role keys is answered with a throttling error before it is forwarded.
    pub throttle: BTreeMap<String, u32>,
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
    /// Throttling errors answered so far, by account id.
    pub throttled: Arc<Mutex<BTreeMap<String, u64>>>,
}

/// What the proxy has learnt: the throttled accounts' access keys, and how often each of
/// their requests was seen.
#[derive(Default)]
struct State {
    /// Access key id → account id.
    keys: Mutex<HashMap<String, String>>,
    /// (access key id, request hash) → times answered with a throttling error.
    seen: Mutex<HashMap<(String, u64), u32>>,
    throttled: Arc<Mutex<BTreeMap<String, u64>>>,
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
        let state = Arc::new(State::default());
        let throttled = state.throttled.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (rules, counter, failures, state) =
                    (rules.clone(), counter.clone(), failures.clone(), state.clone());
                std::thread::spawn(move || {
                    let _ = serve(client, upstream_port, &rules, &counter, &failures, &state);
                });
            }
        });
        Proxy { endpoint: format!("http://127.0.0.1:{port}"), requests, failed, throttled }
    }
}

/// The access key id a request is signed with (SigV4 `Credential=<key>/...`).
fn access_key(head: &[String]) -> Option<String> {
    let auth = head.iter().find(|l| l.to_ascii_lowercase().starts_with("authorization:"))?;
    let rest = &auth[auth.find("Credential=")? + "Credential=".len()..];
    Some(rest[..rest.find('/')?].to_owned())
}

/// The account an AssumeRole request names (`arn:aws:iam::<id>:role/...`, form-encoded).
fn assumed_account(body: &str) -> Option<String> {
    if !body.contains("Action=AssumeRole") {
        return None;
    }
    let rest = &body[body.find("iam%3A%3A")? + "iam%3A%3A".len()..];
    Some(rest[..rest.find("%3A")?].to_owned())
}

/// The protocol's throttling error for a request: status, content type and body (the codes
/// are those the SDK classifies as throttling).
fn throttling_answer(head: &[String], body: &str) -> (u16, &'static str, &'static str) {
    let content_type = head
        .iter()
        .find(|l| l.to_ascii_lowercase().starts_with("content-type:"))
        .map(|l| l.to_ascii_lowercase())
        .unwrap_or_default();
    if content_type.contains("x-amz-json") {
        (400, "application/x-amz-json-1.1", "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}")
    } else if content_type.contains("x-www-form-urlencoded") && body.contains("Version=2016-11-15") {
        (
            503,
            "text/xml",
            "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>proxy</RequestID></Response>",
        )
    } else if content_type.contains("x-www-form-urlencoded") {
        (
            400,
            "text/xml",
            "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>proxy</RequestId></ErrorResponse>",
        )
    } else {
        // REST protocols (S3, EKS, ...): S3's SlowDown, which every REST client retries on 503.
        (
            503,
            "application/xml",
            "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>",
        )
    }
}

/// Whether to answer this request with a throttling error (and count it).
fn throttle(state: &State, rules: &Rules, head: &[String], body: &[u8]) -> bool {
    let Some(key) = access_key(head) else { return false };
    let Some(account) = state.keys.lock().expect("keys").get(&key).cloned() else { return false };
    let times = rules.throttle.get(&account).copied().unwrap_or(0);
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    // The request line and body: the same call again (a retry) has the same hash; its
    // signature headers (dates) differ, so they are left out.
    head.first().hash(&mut hasher);
    body.hash(&mut hasher);
    let mut seen = state.seen.lock().expect("seen");
    let n = seen.entry((key, hasher.finish())).or_insert(0);
    if *n >= times {
        return false;
    }
    *n += 1;
    *state.throttled.lock().expect("throttled").entry(account).or_insert(0) += 1;
    true
}

fn serve(
    client: TcpStream,
    upstream_port: u16,
    rules: &Rules,
    counter: &AtomicU64,
    failures: &AtomicU64,
    state: &State,
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
        if throttle(state, rules, &head, &body) {
            let (status, content_type, answer) = throttling_answer(&head, &text);
            write!(
                client,
                "HTTP/1.1 {status} Throttled\r\nContent-Type: {content_type}\r\nx-amzn-ErrorType: ThrottlingException\r\nContent-Length: {}\r\n\r\n{answer}",
                answer.len()
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
        // Learn the keys handed out for a throttled account.
        if let Some(account) = assumed_account(&text).filter(|a| rules.throttle.contains_key(a)) {
            let xml = String::from_utf8_lossy(&answer);
            if let Some(start) = xml.find("<AccessKeyId>") {
                let rest = &xml[start + "<AccessKeyId>".len()..];
                if let Some(end) = rest.find("</AccessKeyId>") {
                    state.keys.lock().expect("keys").insert(rest[..end].trim().to_owned(), account);
                }
            }
        }
        client.write_all(&answer)?;
        // moto answered `Connection: close` (or not): either way the client may reuse its
        // connection only if the answer says so, and then we keep serving it.
        let head_end = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(answer.len());
        if String::from_utf8_lossy(&answer[..head_end]).to_ascii_lowercase().contains("connection: close") {
            return Ok(());
        }
    }
}
