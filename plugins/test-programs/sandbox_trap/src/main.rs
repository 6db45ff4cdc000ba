//! Executes the unreachable instruction.
fn main() {
    eprintln!("sandbox_trap: about to trap");
    #[cfg(target_arch = "wasm32")]
    core::arch::wasm32::unreachable();
}
