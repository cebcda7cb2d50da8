//! `kbgen serve`, run for real: the binary on a copy of
//! tests/fixtures/serve/basic, on a free port, polled over HTTP while
//! entries are edited, created, deleted and broken. Every wait is a bounded
//! poll; nothing asserts how fast a change shows.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/serve/basic");
const KBGEN: &str = env!("CARGO_BIN_EXE_kbgen");
/// Longest wait for anything; generous, for slow debug builds on busy machines.
const PATIENCE: Duration = Duration::from_secs(90);

fn copy_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for item in walkdir::WalkDir::new(FIXTURE) {
        let item = item.unwrap();
        let dest = dir.path().join(item.path().strip_prefix(FIXTURE).unwrap());
        if item.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(item.path(), &dest).unwrap();
        }
    }
    dir
}

/// A response: status code, headers (lowercase names) and body.
struct Page {
    status: u16,
    head: String,
    body: String,
}

/// A minimal HTTP/1.1 GET over a fresh connection.
fn get(port: u16, path: &str) -> Option<Page> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(PATIENCE)).ok()?;
    let req = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).ok()?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some(Page {
        status,
        head: head.to_ascii_lowercase(),
        body: body.to_string(),
    })
}

/// The running server; killed if a test fails before it stops it.
struct Serve {
    child: Child,
    port: u16,
    stderr: Arc<Mutex<String>>,
}

impl Serve {
    fn start(root: &Path) -> Serve {
        let mut child = Command::new(KBGEN)
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                let mut s = sink.lock().unwrap();
                s.push_str(&line);
                s.push('\n');
            }
        });
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        Serve {
            child,
            port,
            stderr,
        }
    }

    fn get(&self, path: &str) -> Page {
        get(self.port, path).unwrap_or_else(|| panic!("GET {path} failed"))
    }

    /// Polls `path` until `ok` holds; panics with the last page after
    /// [`PATIENCE`].
    fn wait_for(&self, path: &str, what: &str, ok: impl Fn(&Page) -> bool) -> Page {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let page = get(self.port, path);
            if let Some(p) = page.filter(|p| ok(p)) {
                return p;
            }
            if Instant::now() > deadline {
                let last = get(self.port, path).map_or(String::new(), |p| p.body);
                panic!(
                    "{path} never showed {what}; last body:\n{last}\nstderr:\n{}",
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Sends Ctrl-C (SIGINT) and waits for the exit.
    fn interrupt(mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-INT", &pid])
                .status()
                .unwrap()
                .success()
        );
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "serve did not stop on Ctrl-C");
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let p = root.join(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{rel} has no `{from}`");
    std::fs::write(p, text.replacen(from, to, 1)).unwrap();
}

/// The text inside the overlay's `<pre>`, unescaped.
fn overlay_text(body: &str) -> String {
    let start = body.find("kbgen-error-overlay").expect("an overlay");
    let pre = &body[start..];
    let open = pre.find("<pre").unwrap();
    let from = open + pre[open..].find('>').unwrap() + 1;
    let to = pre.find("</pre>").unwrap();
    pre[from..to]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

const NEW_ENTRY: &str = "---
title: \"npm ERR! code ENOENT\"
description: npm could not find a file.
signatures:
  - \"npm ERR! code ENOENT no such file or directory\"
updated: 2025-07-07
tags: [shell, files]
fixes:
  - Check the path.
---
A file npm needed is missing.
";

#[test]
fn serve_follows_edits_creations_deletions_and_errors() {
    let dir = copy_fixture();
    let root = dir.path();
    let s = Serve::start(root);
    let local = format!("http://127.0.0.1:{}", s.port);

    // Pages are served with the local address as their base and the reload script.
    let page = s.wait_for("/git/not-a-repo/", "the first build", |p| p.status == 200);
    assert!(page.head.contains("content-type: text/html"));
    assert!(page.body.contains(&format!(
        "<link rel=\"canonical\" href=\"{local}/git/not-a-repo/\">"
    )));
    assert!(page.body.contains("<script data-kbgen-serve>"));
    let missing = s.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains(&format!("{local}/assets/kbgen.css")),
        "404 page links work locally"
    );
    let redirect = s.get("/git");
    assert_eq!(redirect.status, 301);
    assert!(redirect.head.contains("location: /git/"));
    assert_eq!(s.get("/img/diagram.svg").status, 200);
    assert_eq!(s.get("/assets/kbgen.css").status, 200);

    // Edit: the entry's page, its category page and its tag pages follow.
    edit(
        root,
        "content/npm/eacces.md",
        "title: \"npm ERR! code EACCES\"",
        "title: \"npm ERR! code EACCES (edited)\"",
    );
    s.wait_for("/npm/eacces/", "the new title", |p| {
        p.body.contains("EACCES (edited)")
    });
    s.wait_for("/npm/", "the new title", |p| {
        p.body.contains("EACCES (edited)")
    });
    s.wait_for("/tags/permissions/", "the new title", |p| {
        p.body.contains("EACCES (edited)")
    });
    s.wait_for("/api/errors.json", "the new title", |p| {
        p.body.contains("EACCES (edited)")
    });

    // Create.
    std::fs::write(root.join("content/npm/enoent.md"), NEW_ENTRY).unwrap();
    s.wait_for("/npm/enoent/", "the new entry", |p| {
        p.status == 200 && p.body.contains("ENOENT")
    });
    s.wait_for("/npm/", "the new entry listed", |p| {
        p.body.contains("npm ERR! code ENOENT")
    });
    s.wait_for("/tags/files/", "a new tag page", |p| p.status == 200);

    // Delete.
    std::fs::remove_file(root.join("content/npm/enoent.md")).unwrap();
    s.wait_for("/npm/enoent/", "a 404", |p| p.status == 404);
    s.wait_for("/npm/", "the entry gone", |p| {
        !p.body.contains("npm ERR! code ENOENT")
    });
    s.wait_for("/tags/files/", "the empty tag gone", |p| p.status == 404);

    // Break: the page keeps its last good content under an overlay with the
    // message the terminal printed.
    edit(
        root,
        "content/npm/eacces.md",
        "updated: 2025-05-05",
        "updated: 2025-13-05",
    );
    let broken = s.wait_for("/npm/eacces/", "the error overlay", |p| {
        p.body.contains("kbgen-error-overlay")
    });
    assert!(
        broken.body.contains("EACCES (edited)"),
        "the last good page stays"
    );
    let shown = overlay_text(&broken.body);
    assert!(shown.contains("content/npm/eacces.md:6:10"), "{shown}");
    assert!(shown.contains("month 13"), "{shown}");
    let deadline = Instant::now() + PATIENCE;
    while !s.stderr().contains(shown.trim_end()) {
        assert!(
            Instant::now() < deadline,
            "terminal shows another message:\n{}\noverlay:\n{shown}",
            s.stderr()
        );
        std::thread::sleep(Duration::from_millis(25));
    }
    assert!(
        s.get("/").body.contains("kbgen-error-overlay"),
        "every page shows the errors"
    );

    // Fix: the overlay goes and the change shows.
    edit(
        root,
        "content/npm/eacces.md",
        "updated: 2025-13-05",
        "updated: 2025-05-06",
    );
    let fixed = s.wait_for("/npm/eacces/", "the overlay gone", |p| {
        !p.body.contains("kbgen-error-overlay")
    });
    assert!(fixed.body.contains("2025-05-06"));

    // A static file appears.
    std::fs::write(root.join("static/img/new.txt"), "hello").unwrap();
    let txt = s.wait_for("/img/new.txt", "the new static file", |p| p.status == 200);
    assert_eq!(txt.body, "hello");

    assert!(s.interrupt().success(), "Ctrl-C stops serve cleanly");
}

#[test]
fn live_reload_events_carry_the_generation() {
    let dir = copy_fixture();
    let s = Serve::start(dir.path());
    s.wait_for("/", "the first build", |p| p.status == 200);
    let mut stream = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream
        .write_all(b"GET /__kbgen/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 512];
    let deadline = Instant::now() + PATIENCE;
    let mut read_until = |events: usize, seen: &mut String| {
        while seen.matches("event: reload").count() < events {
            let n = stream.read(&mut buf).unwrap();
            assert!(n > 0 && Instant::now() < deadline, "stream ended: {seen}");
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    };
    // The first event names the current generation; an edit sends the next.
    read_until(1, &mut seen);
    edit(
        dir.path(),
        "content/npm/eresolve.md",
        "Two packages",
        "Two packages, edited,",
    );
    read_until(2, &mut seen);
    assert!(
        seen.to_ascii_lowercase()
            .contains("content-type: text/event-stream"),
        "{seen}"
    );
    assert!(
        s.interrupt().success(),
        "an open event stream does not keep serve from stopping"
    );
}

#[test]
fn a_taken_port_is_reported() {
    let dir = copy_fixture();
    let s = Serve::start(dir.path());
    let out = Command::new(KBGEN)
        .args(["serve", "--port", &s.port.to_string(), "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("port {} on 127.0.0.1 is already in use", s.port)),
        "{err}"
    );
    assert!(err.contains("--port 0"), "{err}");
}

#[test]
fn build_output_never_has_the_reload_script() {
    let dir = copy_fixture();
    let out: PathBuf = dir.path().join("public");
    let built = Command::new(KBGEN)
        .args(["build", "--root"])
        .arg(dir.path())
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(built.status.success());
    let mut pages = 0;
    for item in walkdir::WalkDir::new(&out) {
        let item = item.unwrap();
        if item.path().extension().is_some_and(|e| e == "html") {
            let text = std::fs::read_to_string(item.path()).unwrap();
            assert!(
                !text.contains("kbgen-serve") && !text.contains("__kbgen"),
                "{}",
                item.path().display()
            );
            pages += 1;
        }
    }
    assert!(pages > 10);
}
