//! Operations that keep failing are not retried again in the same scan.
//!
//! The SDK retries a 5xx answer with back-off, call by call. When an operation is broken for
//! the whole scan (an emulator answers "not implemented" with HTTP 500; a service fault that
//! lasts), every call of it in every region paid the whole back-off again, and the scan
//! waited for the slowest. So the scan remembers, per operation (`service:Operation`, every
//! region together), how many attempts in a row were answered with the same 5xx status: from
//! [`REMEMBER_AFTER`] on, the attempt in flight is not retried and every later call of the
//! operation makes one attempt. Any other answer (a success somewhere, a 4xx) starts the count
//! again and gives the operation its retries back. The failed calls are still recorded as
//! collection errors, so the checks that need them stay UNKNOWN.
//!
//! HTTP 503 is left to the SDK: AWS answers it for throttling (S3's `SlowDown`), which the
//! adaptive retry mode slows down for instead of giving up. No answer at all (a timeout, a
//! refused connection) is not counted either.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Attempts in a row answered with the same 5xx after which an operation is not retried any
/// more in this scan: the SDK's standard retry mode makes three attempts in all.
pub const REMEMBER_AFTER: u32 = 3;

/// Per operation, the last 5xx status and how many attempts in a row got it. Cheap to clone
/// (shared by every client of a session).
#[derive(Debug, Clone, Default)]
pub(crate) struct RetryMemo {
    ops: Arc<Mutex<HashMap<String, Streak>>>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Streak {
    status: u16,
    in_a_row: u32,
}

impl RetryMemo {
    /// Notes the answer to one attempt of `op` (`None`: no answer); true when the operation is
    /// (now) not to be retried.
    pub(crate) fn record(&self, op: &str, status: Option<u16>) -> bool {
        let mut ops = self.ops.lock().unwrap_or_else(|e| e.into_inner());
        let Some(status) = status else {
            return ops.get(op).is_some_and(|s| s.in_a_row >= REMEMBER_AFTER);
        };
        let streak = ops.entry(op.to_owned()).or_default();
        if (500..600).contains(&status) && status != 503 {
            if streak.status == status {
                streak.in_a_row += 1;
            } else {
                *streak = Streak { status, in_a_row: 1 };
            }
        } else {
            *streak = Streak::default();
        }
        if streak.in_a_row == REMEMBER_AFTER {
            tracing::info!(
                operation = op,
                status,
                attempts = REMEMBER_AFTER,
                "the same server error on every attempt: not retried again in this scan"
            );
        }
        streak.in_a_row >= REMEMBER_AFTER
    }

    /// True when `op` is not to be retried (see [`RetryMemo::record`]).
    pub(crate) fn broken(&self, op: &str) -> bool {
        self.ops.lock().unwrap_or_else(|e| e.into_inner()).get(op).is_some_and(|s| s.in_a_row >= REMEMBER_AFTER)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same 5xx on REMEMBER_AFTER attempts in a row (from any calls of the operation)
    /// stops its retries; another operation, 503, 4xx, a different 5xx and no answer do not
    /// count; a success gives the retries back.
    #[test]
    fn same_server_error_in_a_row_stops_retries() {
        let memo = RetryMemo::default();
        let op = "ec2:GetEbsDefaultKmsKeyId";
        for _ in 1..REMEMBER_AFTER {
            assert!(!memo.record(op, Some(500)));
        }
        assert!(!memo.record(op, None), "no answer is not counted");
        assert!(!memo.broken("apprunner:ListServices"));
        assert!(memo.record(op, Some(500)));
        assert!(memo.broken(op) && memo.record(op, None));
        assert!(!memo.record(op, Some(200)) && !memo.broken(op), "a success gives the retries back");

        for status in [503, 403, 200] {
            for _ in 0..2 * REMEMBER_AFTER {
                assert!(!memo.record(op, Some(status)), "{status}");
            }
        }
        // Alternating statuses never make a streak.
        for i in 0..2 * REMEMBER_AFTER {
            assert!(!memo.record(op, Some(if i % 2 == 0 { 500 } else { 502 })));
        }
    }
}
