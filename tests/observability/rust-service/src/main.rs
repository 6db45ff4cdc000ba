fn main() {
    tracing_subscriber::fmt().json().init();
    tracing::info!("shipping started");
}
