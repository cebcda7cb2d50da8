//! Benchmark of `kbgen serve` on synthetic knowledge bases (see corpus.rs):
//!
//! - rebuild: one entry edited, `LiveSite::rebuild` timed in process (read,
//!   parse, update the model, render the affected pages, check links);
//!   once with a body edit (only the entry's page shows it) and once with a
//!   title edit (its card changes on its category, tag, home and related
//!   pages); then `refresh_data`, the feeds, sitemap and API index that
//!   follow the pages;
//! - save-to-page: the real `kbgen serve --port 0` in a child process; time
//!   from writing the file to the first GET of the page that shows the
//!   edit (the watcher's debounce included); once for a body edit on an idle
//!   server, once for a body edit saved right after a title edit was served
//!   (while the feeds and search index are being made again).
//!
//! Run: `cargo bench --bench serve_rebuild -- --entries 1000,10000 --runs 21`
//! It prints the median, min and max of each in milliseconds.

mod corpus;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kbgen::serve::live::{LiveSite, SiteOptions};
use kbgen::serve::watch::Changes;

struct Args {
    sizes: Vec<usize>,
    runs: usize,
    work: PathBuf,
}

fn args() -> Args {
    let mut a = Args {
        sizes: vec![1000, 10_000],
        runs: 21,
        work: std::env::temp_dir().join("kbgen-serve-bench"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--entries" => {
                let v = it.next().expect("--entries takes a list like 1000,10000");
                a.sizes = v
                    .split(',')
                    .map(|n| n.trim().parse().expect("a number"))
                    .collect();
            }
            "--runs" => a.runs = it.next().and_then(|n| n.parse().ok()).expect("--runs N"),
            "--work" => a.work = PathBuf::from(it.next().expect("--work DIR")),
            _ => {} // `cargo bench` passes --bench
        }
    }
    a
}

fn main() {
    let a = args();
    println!(
        "kbgen serve benchmark: {} runs per figure, median (min..max) in ms",
        a.runs
    );
    for &n in &a.sizes {
        let root = a.work.join(format!("kb-{n}"));
        if root.exists() {
            std::fs::remove_dir_all(&root).expect("old corpus removed");
        }
        std::fs::create_dir_all(&root).expect("work folder");
        corpus::write_corpus(&root, n).expect("corpus written");
        let root = root.canonicalize().expect("canonical root");
        let t = rebuild_times(&root, n, a.runs);
        println!(
            "{n:>6} entries  first build                   {:>9.1}",
            t.full
        );
        println!(
            "{n:>6} entries  rebuild, body edit            {}",
            stats(&t.body)
        );
        println!(
            "{n:>6} entries  rebuild, title edit (pages)   {}",
            stats(&t.title)
        );
        println!(
            "{n:>6} entries  then feeds and API index      {}",
            stats(&t.data)
        );
        let (idle, busy) = save_to_page(&root, n, a.runs);
        println!(
            "{n:>6} entries  save to served page           {}",
            stats(&idle)
        );
        println!(
            "{n:>6} entries  same, feeds being remade      {}",
            stats(&busy)
        );
    }
}

fn stats(v: &[f64]) -> String {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    format!(
        "{:>9.1} ({:.1}..{:.1})",
        s[s.len() / 2],
        s[0],
        s[s.len() - 1]
    )
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Entry edited in run `r`: spread over categories, never the same twice.
fn target(n: usize, r: usize) -> usize {
    (r * 7919 + n / 2) % n
}

struct Times {
    full: f64,
    body: Vec<f64>,
    title: Vec<f64>,
    data: Vec<f64>,
}

fn rebuild_times(root: &Path, n: usize, runs: usize) -> Times {
    let start = Instant::now();
    let (mut site, update) = LiveSite::new(SiteOptions {
        root: root.to_path_buf(),
        base_url: "http://127.0.0.1:1111".into(),
        drafts: false,
    })
    .expect("first build");
    assert!(!update.diags.has_errors(), "the corpus is valid");
    let mut t = Times {
        full: ms(start.elapsed()),
        body: Vec::new(),
        title: Vec::new(),
        data: Vec::new(),
    };
    for r in 0..runs {
        let i = target(n, r);
        let file = root.join(corpus::entry_file(i));
        let changes = Changes::from_paths(root, [file.as_path()]);
        std::fs::write(&file, corpus::entry_text(i, &format!("Body edit {r}. "))).unwrap();
        let start = Instant::now();
        let u = site.rebuild(&changes).expect("rebuild");
        t.body.push(ms(start.elapsed()));
        assert!(
            u.pages.is_some() && u.rendered == 1,
            "a body edit renders one page"
        );
        assert!(
            site.refresh_data().is_none(),
            "a body edit leaves the feeds"
        );
        let text = corpus::entry_text(i, "").replace("title: 'Error", "title: 'Edited error");
        std::fs::write(&file, text).unwrap();
        let start = Instant::now();
        let u = site.rebuild(&changes).expect("rebuild");
        t.title.push(ms(start.elapsed()));
        assert!(u.pages.is_some());
        let start = Instant::now();
        assert!(site.refresh_data().is_some(), "a title is in the feeds");
        t.data.push(ms(start.elapsed()));
        std::fs::write(&file, corpus::entry_text(i, "")).unwrap();
        site.rebuild(&changes).expect("rebuild");
        site.refresh_data();
    }
    t
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn save_to_page(root: &Path, n: usize, runs: usize) -> (Vec<f64>, Vec<f64>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kbgen"))
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("kbgen serve starts");
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let port: u16 = line
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"));
    std::thread::sleep(Duration::from_millis(500)); // watcher settled
    let mut idle = Vec::new();
    let mut busy = Vec::new();
    for r in 0..runs {
        let i = target(n, r + runs);
        idle.push(save_and_wait(root, port, i, &format!("Saved edit {r}.")));
        std::thread::sleep(Duration::from_millis(300)); // let the save settle
        // A title edit makes the feeds and search index again on another
        // thread; the next save must not wait for them.
        let j = target(n, r + 2 * runs);
        let title = corpus::entry_text(j, "").replace("title: 'Error", "title: 'Retitled error");
        std::fs::write(root.join(corpus::entry_file(j)), title).unwrap();
        wait_for(
            port,
            &format!("/{}/", corpus::entry_id(j)),
            "Retitled error",
        );
        busy.push(save_and_wait(root, port, i, &format!("Saved again {r}.")));
        std::thread::sleep(Duration::from_millis(300));
    }
    drop(server);
    (idle, busy)
}

/// Saves entry `i` with `marker` in its text; ms until its page shows it.
fn save_and_wait(root: &Path, port: u16, i: usize, marker: &str) -> f64 {
    let t = Instant::now();
    std::fs::write(
        root.join(corpus::entry_file(i)),
        corpus::entry_text(i, &format!("{marker} ")),
    )
    .unwrap();
    wait_for(port, &format!("/{}/", corpus::entry_id(i)), marker);
    ms(t.elapsed())
}

fn wait_for(port: u16, page: &str, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !get(port, page).contains(text) {
        assert!(Instant::now() < deadline, "{page} never showed {text:?}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// A minimal HTTP/1.1 GET; the body, or "" on failure.
fn get(port: u16, path: &str) -> String {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return String::new();
    };
    let req = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    if s.write_all(req.as_bytes()).is_err() {
        return String::new();
    }
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}
