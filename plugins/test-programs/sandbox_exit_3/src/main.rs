//! Exits with code 3 after explaining itself on stderr.
fn main() {
    eprintln!("sandbox_exit_3: giving up on purpose");
    std::process::exit(3);
}
