//! Its manifest claims api 99; the engine must refuse to run it.
fn main() {
    print!("{{\"api\":1,\"findings\":[],\"facts\":{{}}}}");
}
