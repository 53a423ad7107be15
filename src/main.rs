//! The `flowforge-audit` binary: everything lives in the library; this maps the outcome to
//! the process exit code (0 gate passed, 1 gate failed, 2 usage/input/tool error).

// glibc's allocator grows each worker thread's arena a page range at a time (one mprotect
// call each: ~90,000 of them, ~0.8 s of system time on a 100,000-resource snapshot);
// mimalloc maps memory in large segments and is faster for the many small allocations of
// the policy engine.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    flowforge_audit::cli::main()
}
