//! A loopback HTTP proxy in front of moto that can delay every answer (a model of real AWS
//! latency, for the org benchmark), refuse `sts:AssumeRole` into chosen accounts (an
//! account whose audit role cannot be assumed: moto itself lets anyone assume any role),
//! answer the first requests of a path with throttling or 5xx, rewrite a request body,
//! throttle chosen accounts (moto never throttles), deny chosen operations (AccessDenied, as an
//! IAM policy would) and answer a random share of all requests with throttling or a 503.
//!
//! Throttling follows the credentials: when moto answers an `AssumeRole` into a throttled
//! account, the proxy notes the access key id it hands out, and every request signed with that
//! key (`Credential=<key>/` in its `Authorization` header) is answered with the protocol's
//! throttling error the first N times the same request (request line and body) is seen; the
//! SDK's retries then get through.
//!
//! Routing ([`Proxy::start_routed`]): in front of several moto processes, the proxy makes them
//! act as one organisation, each process serving a share of the accounts (moto is one
//! GIL-bound Python process; real AWS serves every account independently). An `AssumeRole`
//! into `arn:aws:iam::<account>:role/...` goes to the upstream that owns `<account>` (account
//! id modulo the number of upstreams), and the access key id moto hands out is learnt as that
//! account's: a request signed with it goes to the same upstream (an assumed key is known only
//! to the moto process that issued it; moto's AssumeRole does not check that the role
//! exists). Every other request (the management account's own keys: Organizations, its STS
//! calls) goes to upstream 0. With one upstream everything goes there.
//!
//! One thread per client connection, which is kept alive between requests (unless the client
//! asks to close it, or an answer has no length); each request is forwarded on a fresh
//! connection to its upstream (`Connection: close`, read to the end): moto (Werkzeug) answers
//! `Connection: close` to every request, even to one that asks to keep the connection, so a
//! pool of upstream connections could not be reused. Only loopback addresses are ever used.

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
    /// Routing: accounts already placed on an upstream (index), e.g. by the proxy that seeded
    /// them ([`Proxy::placed`]), so that a fresh proxy routes them the same way.
    pub placed: BTreeMap<String, usize>,
    /// Routing: an account not placed yet goes to the upstream with the fewest accounts (the
    /// highest index first: upstream 0 also serves the management account) rather than to its
    /// id modulo the number of upstreams (random ids spread unevenly: 12 and 8 of 20).
    pub balance: bool,
    /// Operations (`GetOpenIDConnectProvider`, `DescribeCertificate`: the `Action=` of a query
    /// request or the operation of an `X-Amz-Target`) answered with the protocol's
    /// AccessDenied error every time: one call denied, as an IAM policy would (moto's own IAM
    /// enforcement breaks EKS request signatures).
    pub deny_actions: Vec<&'static str>,
    /// Faults: this many requests in a thousand, drawn at random (seeded), are answered with
    /// the protocol's throttling error or a 503, half each, instead of being forwarded.
    pub fault_per_mille: u32,
    pub fault_seed: u64,
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
    /// Requests answered by [`Rules::deny_actions`] and by [`Rules::fault_per_mille`] so far.
    pub denied: Arc<AtomicU64>,
    pub faults: Arc<AtomicU64>,
    /// Requests forwarded so far, by upstream (the order of [`Proxy::start_routed`]'s ports).
    pub routed: Arc<Vec<AtomicU64>>,
    /// Account id → its upstream, for the accounts routed so far (and [`Rules::placed`]).
    pub placed: Arc<Mutex<BTreeMap<String, usize>>>,
}

/// What the proxy has learnt: the access keys moto handed out for an account (every account
/// when routing, the throttled ones otherwise), and how often each throttled request was seen.
#[derive(Default)]
struct State {
    /// Access key id → account id.
    keys: Mutex<HashMap<String, String>>,
    /// (access key id, request hash) → times answered with a throttling error.
    seen: Mutex<HashMap<(String, u64), u32>>,
    throttled: Arc<Mutex<BTreeMap<String, u64>>>,
    denied: Arc<AtomicU64>,
    faults: Arc<AtomicU64>,
    /// The fault generator's state (xorshift), seeded from [`Rules::fault_seed`].
    draw: Mutex<u64>,
}

impl Proxy {
    /// Starts a proxy to moto's `upstream_port`.
    pub fn start(upstream_port: u16, rules: Rules) -> Proxy {
        Proxy::start_routed(&[upstream_port], rules)
    }

    /// Starts a proxy that routes over several moto processes (see the module doc); upstream 0
    /// serves the management account.
    pub fn start_routed(upstream_ports: &[u16], rules: Rules) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        Proxy::start_on(listener, upstream_ports, rules)
    }

    /// [`Proxy::start_routed`] on a listener the caller bound (a loopback address).
    pub fn start_on(listener: TcpListener, upstream_ports: &[u16], rules: Rules) -> Proxy {
        let addr = listener.local_addr().expect("local addr");
        assert!(addr.ip().is_loopback(), "the proxy listens on loopback only, not {addr}");
        assert!(!upstream_ports.is_empty(), "the proxy needs an upstream");
        if let Some((account, i)) = rules.placed.iter().find(|(_, i)| **i >= upstream_ports.len()) {
            panic!("account {account} is placed on upstream {i}, but there are {} upstreams", upstream_ports.len());
        }
        let placed = Arc::new(Mutex::new(rules.placed.clone()));
        let requests = Arc::new(AtomicU64::new(0));
        let failed = Arc::new(AtomicU64::new(0));
        let routed: Arc<Vec<AtomicU64>> = Arc::new(upstream_ports.iter().map(|_| AtomicU64::new(0)).collect());
        let ctx = Arc::new(Context {
            upstreams: upstream_ports.to_vec(),
            rules,
            requests: requests.clone(),
            failures: failed.clone(),
            routed: routed.clone(),
            placed: placed.clone(),
            state: State::default(),
        });
        let throttled = ctx.state.throttled.clone();
        let (denied, faults) = (ctx.state.denied.clone(), ctx.state.faults.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let ctx = ctx.clone();
                std::thread::spawn(move || {
                    let _ = serve(client, &ctx);
                });
            }
        });
        Proxy {
            endpoint: format!("http://127.0.0.1:{}", addr.port()),
            requests,
            failed,
            throttled,
            denied,
            faults,
            routed,
            placed,
        }
    }
}

/// What every connection's thread shares.
struct Context {
    /// Loopback ports of the upstreams; index 0 serves the management account.
    upstreams: Vec<u16>,
    rules: Rules,
    requests: Arc<AtomicU64>,
    failures: Arc<AtomicU64>,
    routed: Arc<Vec<AtomicU64>>,
    placed: Arc<Mutex<BTreeMap<String, usize>>>,
    state: State,
}

impl Context {
    /// The upstream that owns an account: where it was placed, else its id modulo the number
    /// of upstreams (stable across proxies, so a fresh proxy routes a scan like the one that
    /// seeded it), or with [`Rules::balance`] the upstream with the fewest accounts.
    fn owner(&self, account: &str) -> usize {
        let n = self.upstreams.len();
        let mut placed = self.placed.lock().expect("placed");
        if let Some(i) = placed.get(account) {
            return *i;
        }
        let i = if self.rules.balance {
            let mut load = vec![0usize; n];
            for i in placed.values() {
                load[*i] += 1;
            }
            (0..n).rev().min_by_key(|i| load[*i]).unwrap_or(0)
        } else {
            account.parse::<u64>().map_or(0, |id| (id % n as u64) as usize)
        };
        placed.insert(account.to_owned(), i);
        i
    }

    /// Where a request goes: an AssumeRole to the owner of the account it names, a request
    /// signed with a learnt key to its account's owner, anything else to upstream 0.
    fn route(&self, head: &[String], body: &str) -> usize {
        if self.upstreams.len() == 1 {
            return 0;
        }
        if let Some(account) = assumed_account(body) {
            return self.owner(&account);
        }
        access_key(head)
            .and_then(|key| self.state.keys.lock().expect("keys").get(&key).cloned())
            .map_or(0, |account| self.owner(&account))
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

/// The operation a request calls: the `Action=` of a query request, the operation of an
/// `X-Amz-Target` header (`AWSWAF_20190729.GetWebACLForResource`); `None` for REST calls.
fn operation(head: &[String], body: &str) -> Option<String> {
    if let Some(target) = head.iter().find(|l| l.to_ascii_lowercase().starts_with("x-amz-target:")) {
        return target.trim_end().rsplit('.').next().map(str::to_owned);
    }
    let rest = &body[body.find("Action=")? + "Action=".len()..];
    Some(rest[..rest.find('&').unwrap_or(rest.len())].to_owned())
}

fn content_type(head: &[String]) -> String {
    head.iter()
        .find(|l| l.to_ascii_lowercase().starts_with("content-type:"))
        .map(|l| l.to_ascii_lowercase())
        .unwrap_or_default()
}

/// An error answer in the protocol of the request (JSON, EC2 query, other query, REST): its
/// status, content type and body, with `code` as the error code (`json_code` for JSON).
fn protocol_error(
    head: &[String],
    body: &str,
    status: u16,
    json_code: &str,
    code: &str,
) -> (u16, &'static str, String) {
    let content_type = content_type(head);
    let message = "injected by the test proxy";
    if content_type.contains("x-amz-json") {
        (status, "application/x-amz-json-1.1", format!("{{\"__type\":\"{json_code}\",\"message\":\"{message}\"}}"))
    } else if content_type.contains("x-www-form-urlencoded") && body.contains("Version=2016-11-15") {
        let xml = format!("<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>proxy</RequestID></Response>");
        (status, "text/xml", xml)
    } else if content_type.contains("x-www-form-urlencoded") {
        let xml = format!("<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>proxy</RequestId></ErrorResponse>");
        (status, "text/xml", xml)
    } else {
        (status, "application/xml", format!("<Error><Code>{code}</Code><Message>{message}</Message></Error>"))
    }
}

/// The protocol's AccessDenied error (EC2's UnauthorizedOperation).
fn denied_answer(head: &[String], body: &str) -> (u16, &'static str, String) {
    let code = if body.contains("Version=2016-11-15") { "UnauthorizedOperation" } else { "AccessDenied" };
    let status = if content_type(head).contains("x-amz-json") { 400 } else { 403 };
    protocol_error(head, body, status, "AccessDeniedException", code)
}

/// The protocol's 503 error (a server fault the SDK retries).
fn unavailable_answer(head: &[String], body: &str) -> (u16, &'static str, String) {
    let code = if body.contains("Version=2016-11-15") { "Unavailable" } else { "ServiceUnavailable" };
    protocol_error(head, body, 503, "ServiceUnavailableException", code)
}

/// Whether this request draws a fault ([`Rules::fault_per_mille`]), and which: throttling
/// (`true`) or a 503 (`false`).
fn fault(state: &State, rules: &Rules) -> Option<bool> {
    if rules.fault_per_mille == 0 {
        return None;
    }
    let mut x = state.draw.lock().expect("draw");
    if *x == 0 {
        *x = rules.fault_seed | 1;
    }
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    let roll = *x % 2000;
    (roll < u64::from(rules.fault_per_mille) * 2).then_some(roll % 2 == 0)
}

/// The protocol's throttling error for a request: status, content type and body (the codes
/// are those the SDK classifies as throttling).
fn throttling_answer(head: &[String], body: &str) -> (u16, &'static str, &'static str) {
    let content_type = content_type(head);
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
    if times == 0 {
        return false;
    }
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

/// Reads a chunked body as it was sent (chunk sizes, data and trailers), to forward unchanged.
fn read_chunked(reader: &mut impl BufRead) -> std::io::Result<Vec<u8>> {
    let mut raw = Vec::new();
    loop {
        let mut size_line = String::new();
        if reader.read_line(&mut size_line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        raw.extend_from_slice(size_line.as_bytes());
        let hex = size_line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(hex, 16).map_err(|_| std::io::Error::other("bad chunk size"))?;
        if size == 0 {
            // Trailers, up to the empty line.
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line)? == 0 || line == "\r\n" {
                    raw.extend_from_slice(b"\r\n");
                    return Ok(raw);
                }
                raw.extend_from_slice(line.as_bytes());
            }
        }
        let start = raw.len();
        raw.resize(start + size + 2, 0);
        reader.read_exact(&mut raw[start..])?;
    }
}

/// Writes a synthetic answer (the proxy's own, not moto's).
fn answer(client: &mut TcpStream, status: &str, headers: &str, body: &str) -> std::io::Result<()> {
    write!(client, "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\n\r\n{body}", body.len())
}

fn serve(client: TcpStream, ctx: &Context) -> std::io::Result<()> {
    let rules = &ctx.rules;
    let mut reader = BufReader::new(client.try_clone()?);
    let mut client = client;
    loop {
        // The request head, then its body (Content-Length or chunked).
        let mut head = Vec::new();
        let mut length = 0usize;
        let (mut chunked, mut close, mut expect) = (false, false, false);
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
            if let Some(v) = lower.strip_prefix("transfer-encoding:") {
                chunked = v.contains("chunked");
            }
            if let Some(v) = lower.strip_prefix("connection:") {
                close = v.contains("close");
            } else if lower.starts_with("expect:") {
                // Answered here (below), so the upstream must not wait for it.
                expect = lower.contains("100-continue");
            } else {
                head.push(line);
            }
        }
        if expect {
            client.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        }
        let mut body = if chunked {
            read_chunked(&mut reader)?
        } else {
            let mut body = vec![0u8; length];
            reader.read_exact(&mut body)?;
            body
        };
        std::thread::sleep(rules.latency);
        ctx.requests.fetch_add(1, Ordering::Relaxed);
        let request_line = head.first().cloned().unwrap_or_default();
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
        if synthetic(ctx, &mut client, &request_line, &head, &body)? {
            if close {
                return Ok(());
            }
            continue;
        }
        let text = String::from_utf8_lossy(&body);
        let upstream_index = ctx.route(&head, &text);
        ctx.routed[upstream_index].fetch_add(1, Ordering::Relaxed);
        let mut upstream = TcpStream::connect(("127.0.0.1", ctx.upstreams[upstream_index]))?;
        let mut out = Vec::with_capacity(1024 + body.len());
        for line in &head {
            out.extend_from_slice(line.as_bytes());
        }
        out.extend_from_slice(b"Connection: close\r\n\r\n");
        out.extend_from_slice(&body);
        upstream.write_all(&out)?;
        let mut reply = Vec::new();
        upstream.read_to_end(&mut reply)?;
        // Learn the keys handed out for an account: every account when routing (its requests
        // must reach the moto that issued the key), the throttled ones otherwise.
        if let Some(account) =
            assumed_account(&text).filter(|a| ctx.upstreams.len() > 1 || rules.throttle.contains_key(a))
        {
            let xml = String::from_utf8_lossy(&reply);
            if let Some(start) = xml.find("<AccessKeyId>") {
                let rest = &xml[start + "<AccessKeyId>".len()..];
                if let Some(end) = rest.find("</AccessKeyId>") {
                    ctx.state.keys.lock().expect("keys").insert(rest[..end].trim().to_owned(), account);
                }
            }
        }
        // moto closes every connection after its answer; the client's connection stays open
        // when the answer carries its own length (the answer's Connection header is dropped).
        let Some(head_end) = reply.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 2) else {
            // No answer (moto reset or closed the connection): close the client's too, as moto
            // did, so that its SDK retries.
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        };
        let reply_head = String::from_utf8_lossy(&reply[..head_end]).into_owned();
        let lower = reply_head.to_ascii_lowercase();
        let status: u16 = lower.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let framed = lower.contains("\r\ncontent-length:")
            || lower.contains("\r\ntransfer-encoding: chunked")
            || request_line.starts_with("HEAD ")
            || status == 204
            || status == 304;
        let keep = framed && !close;
        let mut relayed = Vec::with_capacity(reply.len() + 24);
        for line in reply_head.split_inclusive("\r\n") {
            if !line.to_ascii_lowercase().starts_with("connection:") {
                relayed.extend_from_slice(line.as_bytes());
            }
        }
        if !keep {
            relayed.extend_from_slice(b"Connection: close\r\n");
        }
        relayed.extend_from_slice(&reply[head_end..]);
        client.write_all(&relayed)?;
        if !keep {
            return Ok(());
        }
    }
}

/// The proxy's own answers (`fail_first`, a refused AssumeRole, throttling): whether the
/// request was answered here rather than forwarded.
fn synthetic(
    ctx: &Context,
    client: &mut TcpStream,
    request_line: &str,
    head: &[String],
    body: &[u8],
) -> std::io::Result<bool> {
    let rules = &ctx.rules;
    if let Some((path, statuses)) = &rules.fail_first {
        if request_line.contains(path) {
            let n = ctx.failures.load(Ordering::Relaxed) as usize;
            if let Some(status) = statuses.get(n) {
                ctx.failures.fetch_add(1, Ordering::Relaxed);
                let (reason, code) = match status {
                    429 => ("Too Many Requests", "TooManyRequestsException"),
                    _ => ("Service Unavailable", "ServiceUnavailableException"),
                };
                let json = format!("{{\"message\":\"injected by the test proxy\",\"__type\":\"{code}\"}}");
                let headers = format!("Content-Type: application/json\r\nX-Amzn-ErrorType: {code}\r\n");
                answer(client, &format!("{status} {reason}"), &headers, &json)?;
                return Ok(true);
            }
        }
    }
    let text = String::from_utf8_lossy(body);
    let denied = text.contains("Action=AssumeRole")
        && rules.deny_assume_role_into.iter().any(|id| text.contains(&format!("iam%3A%3A{id}%3Arole")));
    if denied {
        let xml = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>\
                   <Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole</Message>\
                   </Error><RequestId>proxy</RequestId></ErrorResponse>";
        answer(client, "403 Forbidden", "Content-Type: text/xml\r\n", xml)?;
        return Ok(true);
    }
    if let Some(op) = operation(head, &text) {
        if rules.deny_actions.contains(&op.as_str()) {
            ctx.state.denied.fetch_add(1, Ordering::Relaxed);
            let (status, content_type, text) = denied_answer(head, &text);
            let headers = format!("Content-Type: {content_type}\r\nx-amzn-ErrorType: AccessDeniedException\r\n");
            answer(client, &format!("{status} Denied"), &headers, &text)?;
            return Ok(true);
        }
    }
    if let Some(throttling) = fault(&ctx.state, rules) {
        ctx.state.faults.fetch_add(1, Ordering::Relaxed);
        let (status, content_type, text) = if throttling {
            let (status, content_type, text) = throttling_answer(head, &text);
            (status, content_type, text.to_owned())
        } else {
            unavailable_answer(head, &text)
        };
        let kind = if throttling { "ThrottlingException" } else { "ServiceUnavailableException" };
        let headers = format!("Content-Type: {content_type}\r\nx-amzn-ErrorType: {kind}\r\n");
        answer(client, &format!("{status} Fault"), &headers, &text)?;
        return Ok(true);
    }
    if throttle(&ctx.state, rules, head, body) {
        let (status, content_type, text) = throttling_answer(head, &text);
        let headers = format!("Content-Type: {content_type}\r\nx-amzn-ErrorType: ThrottlingException\r\n");
        answer(client, &format!("{status} Throttled"), &headers, text)?;
        return Ok(true);
    }
    Ok(false)
}
