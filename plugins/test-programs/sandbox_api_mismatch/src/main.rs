//! Answers with protocol version 99.
fn main() {
    print!("{{\"api\":99,\"findings\":[],\"facts\":{{}}}}");
}
