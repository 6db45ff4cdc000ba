//! Allocates without end; the store limiter refuses growth past the cap.
fn main() {
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    loop {
        let mut block = vec![0u8; 1 << 20];
        block[hoard.len() % (1 << 20)] = 1;
        hoard.push(block);
        if hoard.len() % 8 == 0 {
            // Observable, so the optimiser cannot drop the allocations.
            let touched: usize = hoard.iter().map(|b| b.iter().filter(|&&x| x == 1).count()).sum();
            eprintln!("sandbox_memory_grow: {} MiB held, {} touched", hoard.len(), touched);
        }
    }
}
