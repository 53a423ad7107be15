//! Standard output and standard error for every command, without panics.
//!
//! `println!` panics when stdout is a closed pipe (`flowforge-audit evaluate … | head -1`) or
//! a full disk. Every command writes through [`outln!`]/[`out!`] (and [`errln!`] for stderr)
//! instead:
//! - a closed pipe (EPIPE) is a quiet stop: nothing more is printed, and the command still
//!   finishes and returns its own exit code (a failed gate still exits 1, the reports are
//!   still written), so a consumer that reads only the first line never turns a FAIL into a
//!   pass;
//! - any other write error on stdout is remembered and turns the exit code into 2 at the end
//!   ([`failure`]): output a caller asked for and did not get is an error, not a success;
//! - write errors on stderr are ignored: there is nowhere left to report them.

use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
static STDOUT_FAILURE: OnceLock<String> = OnceLock::new();

/// `println!` for command output (see the module comment).
macro_rules! outln {
    () => {
        $crate::cli::stdio::stdout(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::stdio::stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` for command output (see the module comment).
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::stdio::stdout(format_args!($($arg)*))
    };
}

/// `eprintln!` that cannot panic.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::stdio::stderr(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// Writes to stdout; a closed pipe stops output quietly, another error is kept for [`failure`].
pub fn stdout(args: fmt::Arguments<'_>) {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut lock = io::stdout().lock();
    if let Err(e) = lock.write_fmt(args).and_then(|()| lock.flush()) {
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
        if e.kind() != io::ErrorKind::BrokenPipe {
            let _ = STDOUT_FAILURE.set(e.to_string());
        }
    }
}

/// Writes to stderr, ignoring errors.
pub fn stderr(args: fmt::Arguments<'_>) {
    let _ = io::stderr().lock().write_fmt(args);
}

/// The first stdout write error other than a closed pipe, if any.
pub fn failure() -> Option<&'static str> {
    STDOUT_FAILURE.get().map(String::as_str)
}
