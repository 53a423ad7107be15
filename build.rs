//! Rebuilds the crate when a file under policies/ or baselines/ changes: both are compiled into
//! the binary (`include_dir!` / `include_str!`), and cargo does not see a newly added file.
fn main() {
    println!("cargo:rerun-if-changed=policies");
    println!("cargo:rerun-if-changed=baselines");
    println!("cargo:rerun-if-changed=frameworks");
}
