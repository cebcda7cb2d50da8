//! `kbgen serve`: build the site into memory, serve it on 127.0.0.1, and
//! rebuild what a change affects as files are saved. Four parts:
//! [`watch`] turns file-system events into [`watch::Changes`]; [`live`] holds
//! the site and rebuilds it ([`pages`] picks the pages a change shows on);
//! [`http`] serves the files and tells open pages to reload. This file wires
//! them: the server runs on a Tokio runtime, rebuilds run on their own thread.

pub mod http;
pub mod live;
pub mod pages;
pub mod watch;

use std::io::Write as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Instant;

use crate::diag::{Diagnostics, plural, summary};
use crate::error::{Error, Result};
use http::Store;
use live::{DataFiles, LiveSite, Pages, SiteOptions, Update};
use watch::{Changes, Watcher};

/// Default port, as Zola uses.
pub const DEFAULT_PORT: u16 = 1111;

/// What the rebuild thread waits for.
enum Message {
    /// Files changed.
    Changed(Changes),
    /// The watcher failed; the text says why.
    Failed(String),
    /// Feeds and indexes made on another thread.
    Data(DataFiles),
    /// Shut down.
    Stop,
}

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site root.
    pub root: PathBuf,
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Include drafts.
    pub drafts: bool,
    /// Colour the diagnostics printed.
    pub color: bool,
}

/// Serves the site until Ctrl-C.
pub fn run(opts: ServeOptions) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("starting", "the server runtime", e))?;
    runtime.block_on(serve(opts))
}

async fn serve(opts: ServeOptions) -> Result<()> {
    if !opts.root.join("kbgen.toml").is_file() {
        return Err(Error::NotAKb(opts.root.clone()));
    }
    let root = opts
        .root
        .canonicalize()
        .map_err(|e| Error::io("reading", &opts.root, e))?;
    let listener = bind(opts.port).await?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::io("listening on", "127.0.0.1", e))?;
    let base_url = format!("http://127.0.0.1:{}", addr.port());
    let store = Arc::new(Store::default());
    let (tx, rx) = mpsc::channel();
    let watcher = {
        let tx = tx.clone();
        Watcher::start(&root, move |r| {
            let _ = tx.send(match r {
                Ok(c) => Message::Changed(c),
                Err(why) => Message::Failed(why),
            });
        })?
    };
    let start = Instant::now();
    let (site, update) = LiveSite::new(SiteOptions {
        root: root.clone(),
        base_url: base_url.clone(),
        drafts: opts.drafts,
    })?;
    let mut printer = Printer::new(opts.color);
    let mut update = update;
    printer.report(&site, &update, "built", start);
    publish(&store, &site, &mut update);
    println!(
        "serving {base_url}/ (watching {}; Ctrl-C to stop)",
        root.display()
    );
    let _ = std::io::stdout().flush();
    let rebuilds = {
        let store = store.clone();
        let tx = tx.clone();
        std::thread::spawn(move || {
            Rebuilds {
                site,
                watcher,
                store,
                printer,
                tx,
                data_busy: false,
            }
            .run(rx)
        })
    };
    let app = http::router(store.clone());
    let shutdown = {
        let store = store.clone();
        async move {
            let _ = tokio::signal::ctrl_c().await;
            eprintln!("\nstopping");
            store.stop();
        }
    };
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    let _ = tx.send(Message::Stop);
    let _ = rebuilds.join();
    served.map_err(|e| Error::io("serving on", base_url, e))
}

async fn bind(port: u16) -> Result<tokio::net::TcpListener> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AddrInUse => Error::PortInUse { port },
            _ => Error::io("listening on", format!("127.0.0.1:{port}"), e),
        })
}

/// The rebuild thread: owns the site and the watcher.
struct Rebuilds {
    site: LiveSite,
    watcher: Watcher,
    store: Arc<Store>,
    printer: Printer,
    tx: mpsc::Sender<Message>,
    /// A data job runs on another thread.
    data_busy: bool,
}

impl Rebuilds {
    /// Waits for changes and rebuilds, until told to stop.
    fn run(mut self, rx: mpsc::Receiver<Message>) {
        self.start_data();
        while let Ok(msg) = rx.recv() {
            let mut changes = match msg {
                Message::Changed(c) => c,
                Message::Failed(why) => {
                    eprintln!("watching failed: {why}");
                    continue;
                }
                Message::Data(files) => {
                    self.take_data(files);
                    continue;
                }
                Message::Stop => return,
            };
            // Take the changes already queued too: one rebuild for all.
            while let Ok(more) = rx.try_recv() {
                match more {
                    Message::Changed(c) => changes.merge(c),
                    Message::Failed(why) => eprintln!("watching failed: {why}"),
                    Message::Data(files) => self.take_data(files),
                    Message::Stop => return,
                }
            }
            self.rebuild(&changes);
        }
    }

    fn rebuild(&mut self, changes: &Changes) {
        if let Err(e) = self.watcher.refresh() {
            eprintln!("error: {e}");
        }
        let start = Instant::now();
        match self.site.rebuild(changes) {
            Ok(mut update) => {
                if publish(&self.store, &self.site, &mut update) {
                    self.printer
                        .report(&self.site, &update, &describe(changes), start);
                } else {
                    self.printer.diagnostics(&self.site, &update);
                }
                self.start_data();
            }
            Err(e) => eprintln!("error: {e}; still serving the last build"),
        }
    }

    /// Makes the feeds and indexes on another thread (one at a time), so
    /// the next save is not kept waiting behind them.
    fn start_data(&mut self) {
        if self.data_busy {
            return;
        }
        if let Some(job) = self.site.data_job() {
            self.data_busy = true;
            let tx = self.tx.clone();
            std::thread::spawn(move || {
                let _ = tx.send(Message::Data(job.run()));
            });
        }
    }

    fn take_data(&mut self, files: DataFiles) {
        self.data_busy = false;
        if let Some(files) = self.site.apply_data(files) {
            self.store.patch_quietly(files);
        }
        self.start_data();
    }
}

/// Puts an update's files into the store, which tells open pages to reload;
/// returns false when nothing served changed.
fn publish(store: &Store, site: &LiveSite, update: &mut Update) -> bool {
    let errors = update
        .diags
        .has_errors()
        .then(|| site.describe(&update.diags, false));
    if update.changes_nothing() && store.errors() == errors {
        return false;
    }
    let (pages, statics) = (update.pages.take(), update.statics.take());
    store.update(|s| {
        match pages {
            Some(Pages::All(files)) => s.pages = files,
            Some(Pages::Some(files)) => {
                for (path, bytes) in files {
                    match bytes {
                        Some(b) => s.pages.insert(path, b),
                        None => s.pages.remove(&path),
                    };
                }
            }
            None => {}
        }
        if let Some(statics) = statics {
            s.statics = statics;
        }
        s.errors = errors;
    });
    true
}

/// A short name for what changed, for the terminal.
fn describe(c: &Changes) -> String {
    let mut parts: Vec<String> = Vec::new();
    if c.config {
        parts.push("kbgen.toml".into());
    }
    if c.templates {
        parts.push("templates/".into());
    }
    parts.extend(c.content.iter().cloned());
    parts.extend(c.statics.iter().map(|s| format!("static/{s}")));
    let n = parts.len();
    if n > 3 {
        parts.truncate(2);
        parts.push(format!("{} more", n - 2));
    }
    parts.join(", ")
}

/// Prints what each rebuild did; diagnostics only when they changed.
struct Printer {
    color: bool,
    last: Option<String>,
}

impl Printer {
    fn new(color: bool) -> Self {
        Printer { color, last: None }
    }

    /// Prints the diagnostics when they differ from the last ones printed.
    fn diagnostics(&mut self, site: &LiveSite, update: &Update) {
        let text = site.describe(&update.diags, self.color);
        if self.last.as_deref() != Some(text.as_str()) {
            eprint!("{text}");
            self.last = Some(text);
        }
    }

    fn report(&mut self, site: &LiveSite, update: &Update, what: &str, start: Instant) {
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        self.diagnostics(site, update);
        if !update.diags.has_errors() {
            let n = update.rendered;
            eprintln!("{what}: rendered {n} {} in {ms:.1} ms", plural(n, "page"));
        } else if update.diags.has_errors() {
            eprintln!(
                "{what}: {}; the pages show the errors until they are fixed",
                error_summary(&update.diags)
            );
        }
    }
}

fn error_summary(d: &Diagnostics) -> String {
    summary(d)
}
#[cfg(test)]
mod tests;
