//! moto 5.2.5 has no Security Hub `BatchUpdateFindings`. [`Front`] stands in front of moto on
//! its own loopback port: it answers `PATCH /findings/batchupdate` as the API reference
//! shapes the answer (`ProcessedFindings`, `UnprocessedFindings` with `FindingIdentifier`,
//! `ErrorCode`, `ErrorMessage`; at most 100 `FindingIdentifiers`, else `InvalidInputException`),
//! records every request body, and relays every other request to moto unchanged. It does not
//! change moto's findings: a test reads what was asked from [`Front::updates`].

use std::io::{self, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use super::apprunner::{closing, read_message};

/// How the front answers BatchUpdateFindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Every finding processed.
    Process,
    /// The first finding of each call unprocessed (`ConcurrentUpdateError`), the rest processed.
    UnprocessFirst,
    /// Every call refused with 403 `AccessDeniedException`.
    Deny,
}

/// The BatchUpdateFindings front of one moto server.
pub struct Front {
    pub endpoint: String,
    updates: Arc<Mutex<Vec<Value>>>,
}

impl Front {
    /// Starts relaying to moto on `moto_port`.
    pub fn start(moto_port: u16, answer: Answer) -> Front {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the Security Hub front");
        let port = listener.local_addr().expect("front address").port();
        let updates = Arc::new(Mutex::new(Vec::new()));
        let recorded = updates.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let recorded = recorded.clone();
                std::thread::spawn(move || {
                    let _ = handle(stream, moto_port, answer, &recorded);
                });
            }
        });
        Front { endpoint: format!("http://127.0.0.1:{port}"), updates }
    }

    /// The BatchUpdateFindings request bodies received so far, in order (retries included).
    pub fn updates(&self) -> Vec<Value> {
        self.updates.lock().expect("updates").clone()
    }
}

fn handle(client: TcpStream, moto_port: u16, answer: Answer, updates: &Mutex<Vec<Value>>) -> io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let (head, body) = read_message(&mut reader)?;
    let mut client = client;
    if head.starts_with("PATCH /findings/batchupdate") {
        let input: Value = serde_json::from_slice(&body).unwrap_or_default();
        updates.lock().expect("updates").push(input.clone());
        let (status, out) = batch_update(&input, answer);
        let out = out.to_string();
        write!(
            client,
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{out}",
            out.len()
        )?;
        return client.flush();
    }
    let mut upstream = TcpStream::connect(("127.0.0.1", moto_port))?;
    upstream.write_all(closing(&head).as_bytes())?;
    upstream.write_all(&body)?;
    let mut answer = Vec::new();
    upstream.read_to_end(&mut answer)?;
    // The answer's head with `Connection: close`: one request per connection.
    let end = answer.windows(4).position(|w| w == b"\r\n\r\n").map_or(answer.len(), |i| i + 2);
    let head = String::from_utf8_lossy(&answer[..end]).into_owned();
    client.write_all(closing(&head).as_bytes())?;
    client.write_all(answer.get(end + 2..).unwrap_or_default())?;
    client.flush()
}

fn batch_update(input: &Value, answer: Answer) -> (&'static str, Value) {
    let error = |status, code: &str, message: &str| (status, json!({"__type": code, "message": message}));
    if answer == Answer::Deny {
        return error(
            "403 Forbidden",
            "AccessDeniedException",
            "User is not authorized to perform: securityhub:BatchUpdateFindings",
        );
    }
    let ids = input["FindingIdentifiers"].as_array().cloned().unwrap_or_default();
    if ids.is_empty() || ids.len() > 100 || ids.iter().any(|i| !i["Id"].is_string() || !i["ProductArn"].is_string()) {
        return error("400 Bad Request", "InvalidInputException", "FindingIdentifiers: 1 to 100 of {Id, ProductArn}");
    }
    let (mut processed, mut unprocessed) = (Vec::new(), Vec::new());
    for (n, id) in ids.into_iter().enumerate() {
        if n == 0 && answer == Answer::UnprocessFirst {
            unprocessed.push(json!({
                "FindingIdentifier": id,
                "ErrorCode": "ConcurrentUpdateError",
                "ErrorMessage": "Concurrent finding updates detected"
            }));
        } else {
            processed.push(id);
        }
    }
    ("200 OK", json!({"ProcessedFindings": processed, "UnprocessedFindings": unprocessed}))
}
