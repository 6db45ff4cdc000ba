//! Sleeps through poll_oneoff, a host call that epoch interruption cannot stop.
fn main() {
    std::thread::sleep(std::time::Duration::from_secs(3600));
    println!("{{\"api\":1,\"findings\":[],\"facts\":{{}}}}");
}
