//! Tries every socket call of WASI preview 1 on every descriptor it might hold, and
//! `path_symlink`/`path_link` out of and into the repository. A finding `pass` means the
//! call was refused (a non-zero errno); `fail` means it got through.
use kaizen_plugin_sdk::{Finding, Request, Response, Result};

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    fn sock_accept(fd: u32, flags: u32, accepted: *mut u32) -> u16;
    fn sock_recv(
        fd: u32,
        iovs: *const Iovec,
        iovs_len: usize,
        flags: u32,
        read: *mut usize,
        out_flags: *mut u16,
    ) -> u16;
    fn sock_send(fd: u32, iovs: *const Iovec, iovs_len: usize, flags: u32, written: *mut usize) -> u16;
    fn sock_shutdown(fd: u32, how: u32) -> u16;
    fn path_symlink(old: *const u8, old_len: usize, fd: u32, new: *const u8, new_len: usize) -> u16;
    fn path_link(
        old_fd: u32,
        old_flags: u32,
        old: *const u8,
        old_len: usize,
        new_fd: u32,
        new: *const u8,
        new_len: usize,
    ) -> u16;
}

#[repr(C)]
struct Iovec {
    buf: *mut u8,
    len: usize,
}

/// The descriptor of `/repo`: the first preopen.
const REPO: u32 = 3;

fn attempt(response: &mut Response, what: String, errno: u16) {
    response.push(if errno == 0 {
        Finding::fail("probe", format!("{}: got through", what))
    } else {
        Finding::pass("probe", format!("{}: refused (errno {})", what, errno))
    });
}

fn judge(_: &Request) -> Result<Response> {
    let mut response = Response::new();
    let mut buf = [0u8; 64];
    let iov = Iovec { buf: buf.as_mut_ptr(), len: buf.len() };
    // stdin, stderr, the repository, and descriptors it was never given. Stdout is left
    // alone so that the response can still be written if a call closed what it touched.
    for fd in [0u32, 2, REPO, 4, 9, 1000] {
        let (mut out_fd, mut n, mut flags) = (0u32, 0usize, 0u16);
        attempt(&mut response, format!("sock_accept({})", fd), unsafe { sock_accept(fd, 0, &mut out_fd) });
        attempt(&mut response, format!("sock_recv({})", fd), unsafe { sock_recv(fd, &iov, 1, 0, &mut n, &mut flags) });
        attempt(&mut response, format!("sock_send({})", fd), unsafe { sock_send(fd, &iov, 1, 0, &mut n) });
        attempt(&mut response, format!("sock_shutdown({})", fd), unsafe { sock_shutdown(fd, 3) });
    }
    let links: [(&str, &str); 4] = [
        ("/etc/passwd", "passwd-link"),
        ("../outside.txt", "outside-link"),
        ("README.md", "readme-link"),
        ("/", "root-link"),
    ];
    for (old, new) in links.iter() {
        attempt(&mut response, format!("path_symlink({} -> /repo/{})", new, old), unsafe {
            path_symlink(old.as_ptr(), old.len(), REPO, new.as_ptr(), new.len())
        });
    }
    let (old, new) = ("README.md", "hard-link");
    attempt(&mut response, "path_link(/repo/README.md -> /repo/hard-link)".to_string(), unsafe {
        path_link(REPO, 0, old.as_ptr(), old.len(), REPO, new.as_ptr(), new.len())
    });
    Ok(response)
}

kaizen_plugin_sdk::main!(judge);
