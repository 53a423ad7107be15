//! moto has no App Runner. [`Front`] stands in front of moto on its own loopback port: it
//! answers App Runner's JSON protocol (requests whose `X-Amz-Target` is `AppRunner.*`) from
//! the services a test puts, as the App Runner API reference shapes them, and relays every
//! other request to moto unchanged. The scanner then collects App Runner over the wire like
//! any service, and an account with App Runner services can be seeded.
//!
//! One request per connection (`Connection: close` both ways), which every SDK client
//! handles; request bodies are read by Content-Length or chunked framing.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// The App Runner front of one moto server.
#[derive(Clone)]
pub struct Front {
    pub port: u16,
    services: Arc<Mutex<Vec<serde_json::Value>>>,
}

impl Front {
    /// Starts relaying to moto on `moto_port`.
    pub fn start(moto_port: u16) -> Front {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the App Runner front");
        let port = listener.local_addr().expect("front address").port();
        let front = Front { port, services: Arc::new(Mutex::new(Vec::new())) };
        let services = front.services.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let services = services.clone();
                std::thread::spawn(move || {
                    let _ = handle(stream, moto_port, &services);
                });
            }
        });
        front
    }

    /// Adds a service: `service` is the `Service` object of a DescribeService answer.
    pub fn put_service(&self, service: serde_json::Value) {
        self.services.lock().expect("services").push(service);
    }
}

pub fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// The head (request or status line and headers, without the blank line) and the body.
pub fn read_message(r: &mut BufReader<TcpStream>) -> io::Result<(String, Vec<u8>)> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let mut body = Vec::new();
    if let Some(n) = header(&head, "content-length").and_then(|v| v.parse::<usize>().ok()) {
        body.resize(n, 0);
        r.read_exact(&mut body)?;
    } else if header(&head, "transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        loop {
            let mut size = String::new();
            r.read_line(&mut size)?;
            let n = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16).unwrap_or(0);
            let mut chunk = vec![0; n + 2];
            r.read_exact(&mut chunk)?;
            body.extend_from_slice(&chunk[..n]);
            if n == 0 {
                break;
            }
        }
        head = head
            .lines()
            .filter(|l| !l.to_ascii_lowercase().starts_with("transfer-encoding:"))
            .map(|l| format!("{l}\r\n"))
            .collect();
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    Ok((head, body))
}

/// `head` with its Connection header replaced by `Connection: close`.
pub fn closing(head: &str) -> String {
    let mut out: String = head
        .lines()
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .map(|l| format!("{l}\r\n"))
        .collect();
    out.push_str("Connection: close\r\n\r\n");
    out
}

fn handle(client: TcpStream, moto_port: u16, services: &Mutex<Vec<serde_json::Value>>) -> io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let (head, body) = read_message(&mut reader)?;
    let mut client = client;
    if let Some(target) = header(&head, "x-amz-target").filter(|t| t.starts_with("AppRunner.")) {
        let (status, answer) = app_runner(target, &body, services);
        let answer = answer.to_string();
        write!(
            client,
            "HTTP/1.1 {status}\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
            answer.len()
        )?;
        return client.flush();
    }
    let mut upstream = TcpStream::connect(("127.0.0.1", moto_port))?;
    upstream.write_all(closing(&head).as_bytes())?;
    upstream.write_all(&body)?;
    let mut from_moto = BufReader::new(upstream);
    let mut status_and_headers = String::new();
    loop {
        let mut line = String::new();
        if from_moto.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        status_and_headers.push_str(&line);
    }
    let mut rest = Vec::new();
    from_moto.read_to_end(&mut rest)?;
    client.write_all(closing(&status_and_headers).as_bytes())?;
    client.write_all(&rest)?;
    client.flush()
}

/// ListServices and DescribeService over the services put; anything else is refused as
/// AWS refuses an unknown operation.
fn app_runner(
    target: &str,
    body: &[u8],
    services: &Mutex<Vec<serde_json::Value>>,
) -> (&'static str, serde_json::Value) {
    let services = services.lock().map(|s| s.clone()).unwrap_or_default();
    let input: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    match target {
        "AppRunner.ListServices" => {
            let list: Vec<serde_json::Value> = services
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "ServiceName": s["ServiceName"], "ServiceId": s["ServiceId"], "ServiceArn": s["ServiceArn"],
                        "ServiceUrl": s["ServiceUrl"], "CreatedAt": s["CreatedAt"], "UpdatedAt": s["UpdatedAt"], "Status": s["Status"]
                    })
                })
                .collect();
            ("200 OK", serde_json::json!({"ServiceSummaryList": list}))
        }
        "AppRunner.DescribeService" => match services.iter().find(|s| s["ServiceArn"] == input["ServiceArn"]) {
            Some(s) => ("200 OK", serde_json::json!({"Service": s})),
            None => (
                "400 Bad Request",
                serde_json::json!({"__type": "ResourceNotFoundException", "message": "service not found"}),
            ),
        },
        _ => ("400 Bad Request", serde_json::json!({"__type": "UnknownOperationException", "message": target})),
    }
}
