//! Prints something that is not JSON.
fn main() {
    print!("{{\"api\": 1, \"findings\": [ this is not json");
}
