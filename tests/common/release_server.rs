//! A fake release server for the tests of installers: serves a directory over HTTP on
//! 127.0.0.1 (never another address), and releases in it made as the release workflow makes
//! them.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

/// A release server on 127.0.0.1: serves the files under `root` (`/PATH` is `root/PATH`) and
/// logs each path asked for. It stops with the test process.
pub struct ReleaseServer {
    pub url: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl ReleaseServer {
    pub fn start(root: PathBuf) -> ReleaseServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let log = Arc::new(Mutex::new(Vec::new()));
        let served = log.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let path = Self::answer(stream, &root);
                served.lock().unwrap().push(path);
            }
        });
        ReleaseServer { url, log }
    }

    /// Answers one GET with the file or 404; returns the path asked for.
    fn answer(mut stream: std::net::TcpStream, root: &Path) -> String {
        stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut request = String::new();
        let _ = reader.read_line(&mut request);
        let mut header = String::new();
        while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
            header.clear();
        }
        let path = request.split(' ').nth(1).unwrap_or("/").to_string();
        let file = root.join(path.trim_start_matches('/'));
        let body = if path.contains("..") { None } else { std::fs::read(file).ok() };
        let (status, body) = match body {
            Some(body) => ("200 OK", body),
            None => ("404 Not Found", b"not found\n".to_vec()),
        };
        let head =
            format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
        let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(&body));
        path
    }

    /// The paths asked for so far.
    pub fn served(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

/// Packs `binary` as the release `vVERSION` for `target` into `dir`, as the release workflow
/// does: `action/package.sh`, then `SHA256SUMS` of every archive in `dir`.
pub fn publish(dir: &Path, version: &str, target: &str, binary: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let packed = Command::new("bash")
        .arg(super::root().join("action/package.sh"))
        .args([version, target])
        .arg(binary)
        .arg(dir)
        .output()
        .unwrap();
    assert!(packed.status.success(), "{}", String::from_utf8_lossy(&packed.stderr));
    let sums = Command::new("bash")
        .arg("-c")
        .arg("sha256sum -- *.tar.gz > SHA256SUMS")
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(sums.status.success());
}

/// A small stand-in for the binary, for releases whose binary only has to say its version
/// (packing the 60 MB test binary takes a second or two each time).
pub fn stub_binary(dir: &Path, version: &str) -> PathBuf {
    let path = dir.join("netpol-intent-stub");
    std::fs::write(&path, format!("#!/bin/sh\necho 'netpol-intent {version}'\n")).unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    path
}
