//! The `flowforge-audit` binary: everything lives in the library; this maps the outcome to
//! the process exit code (0 gate passed, 1 gate failed, 2 usage/input/tool error).

fn main() -> std::process::ExitCode {
    flowforge_audit::cli::main()
}
