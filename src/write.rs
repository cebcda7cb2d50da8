//! Stage 5: output files onto disk without ever leaving a half-written
//! site. Everything goes into a fresh directory next to the target; only
//! when the whole build succeeded is it renamed into place (the previous
//! output is moved aside first and removed after). A failed or abandoned
//! build removes its temporary directory and leaves the old output as it was.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Condvar, Mutex};

use crate::error::{Error, Result};

/// Where rendered files go.
pub trait Sink: Sync {
    /// Stores one file at a relative `/`-separated path.
    fn put(&self, path: &str, bytes: &[u8]) -> Result<()>;

    /// Stores one file the caller no longer needs; sinks that keep or queue
    /// the bytes take them without a copy.
    fn put_owned(&self, path: String, bytes: Vec<u8>) -> Result<()> {
        self.put(&path, &bytes)
    }
}

/// Discards output (used by `check`, which renders to validate links).
pub struct NullSink;

impl Sink for NullSink {
    fn put(&self, _: &str, _: &[u8]) -> Result<()> {
        Ok(())
    }
}

/// Keeps output in memory, each file shared so that `serve` can answer
/// requests from it without copying.
#[derive(Default)]
pub struct MemorySink {
    files: Mutex<HashMap<String, Arc<[u8]>>>,
}

impl MemorySink {
    /// The files written, by path.
    pub fn into_files(self) -> HashMap<String, Arc<[u8]>> {
        self.files
            .into_inner()
            .expect("no thread panicked while holding the lock")
    }
}

impl Sink for MemorySink {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<()> {
        self.files
            .lock()
            .expect("no thread panicked while holding the lock")
            .insert(path.to_string(), Arc::from(bytes));
        Ok(())
    }
}

/// A build in progress into a temporary directory beside the target.
pub struct Staging {
    target: PathBuf,
    temp: PathBuf,
    committed: bool,
}

/// Refuses output directories that would destroy the site's sources.
pub fn check_output_dir(root: &Path, out: &Path) -> Result<()> {
    let refuse = |reason| {
        Err(Error::UnsafeOutput {
            path: out.to_path_buf(),
            reason,
        })
    };
    let abs_out = absolute(out);
    let abs_root = absolute(root);
    if abs_out.parent().is_none() {
        return refuse("it is the filesystem root");
    }
    if abs_root.starts_with(&abs_out) {
        return refuse("it contains the site itself (kbgen.toml and content/ would be deleted)");
    }
    for keep in ["content", "templates", "static", "kbgen.toml"] {
        if abs_out.starts_with(abs_root.join(keep)) {
            return refuse("it is inside the site's sources");
        }
    }
    Ok(())
}

/// Makes a path absolute and removes `.`/`..` lexically (the directory may
/// not exist yet, so it cannot be canonicalised).
fn absolute(p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let canon_parent = joined
        .parent()
        .and_then(|parent| parent.canonicalize().ok())
        .and_then(|parent| joined.file_name().map(|n| parent.join(n)));
    let base = canon_parent.unwrap_or(joined);
    let mut out = PathBuf::new();
    for c in base.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

impl Staging {
    /// Starts a build whose result will replace `target`.
    pub fn begin(target: &Path) -> Result<Staging> {
        let target = absolute(target);
        let parent = target.parent().unwrap_or(Path::new("/")).to_path_buf();
        std::fs::create_dir_all(&parent).map_err(|e| Error::io("creating", &parent, e))?;
        let name = target
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let temp = parent.join(format!(".{name}.kbgen-{}", std::process::id()));
        if temp.exists() {
            std::fs::remove_dir_all(&temp).map_err(|e| Error::io("removing", &temp, e))?;
        }
        std::fs::create_dir(&temp).map_err(|e| Error::io("creating", &temp, e))?;
        Ok(Staging {
            target,
            temp,
            committed: false,
        })
    }

    /// Creates every directory the given files need, once, in sorted order.
    pub fn create_dirs<'a>(&self, files: impl IntoIterator<Item = &'a str>) -> Result<()> {
        let dirs: BTreeSet<&str> = files
            .into_iter()
            .filter_map(|f| f.rsplit_once('/').map(|(d, _)| d))
            .collect();
        for d in dirs {
            let p = self.temp.join(d);
            std::fs::create_dir_all(&p).map_err(|e| Error::io("creating", &p, e))?;
        }
        Ok(())
    }

    /// Copies a directory tree (the site's `static/`) into the output.
    pub fn copy_tree(&self, from: &Path) -> Result<usize> {
        let mut n = 0;
        for item in walkdir::WalkDir::new(from).sort_by_file_name() {
            let item = item.map_err(|e| Error::io("reading", from, e.into()))?;
            let rel = item.path().strip_prefix(from).unwrap_or(item.path());
            let dest = self.temp.join(rel);
            if item.file_type().is_dir() {
                std::fs::create_dir_all(&dest).map_err(|e| Error::io("creating", &dest, e))?;
            } else if item.file_type().is_file() {
                std::fs::copy(item.path(), &dest)
                    .map_err(|e| Error::io("copying", item.path(), e))?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// Moves the finished build into place.
    pub fn commit(mut self) -> Result<()> {
        let old = self.temp.with_extension("old");
        let had_old = self.target.exists();
        if had_old {
            std::fs::rename(&self.target, &old)
                .map_err(|e| Error::io("moving aside", &self.target, e))?;
        }
        if let Err(e) = std::fs::rename(&self.temp, &self.target) {
            if had_old {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(Error::io("renaming into place", &self.target, e));
        }
        self.committed = true;
        if had_old {
            std::fs::remove_dir_all(&old).map_err(|e| Error::io("removing", &old, e))?;
        }
        Ok(())
    }
}

impl Sink for Staging {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<()> {
        debug_assert!(!path.split('/').any(|s| s == ".." || s.is_empty()));
        let p = self.temp.join(path);
        std::fs::write(&p, bytes).map_err(|e| Error::io("writing", &p, e))
    }
}

/// Files waiting for the writer thread. Render threads block when it is
/// full, so memory stays bounded whatever the site's size.
const QUEUE: usize = 32;

/// Bytes waiting for the writer thread beyond which render threads wait
/// too: the list pages of a 100k-entry site are up to 10 MB each, and 32 of
/// them would hold hundreds of megabytes.
const QUEUE_BYTES: usize = 48 << 20;

/// A sink that hands files to the writer thread of [`Staging::write_from`].
struct Queue<'a> {
    tx: SyncSender<(String, Vec<u8>)>,
    backlog: &'a Backlog,
}

impl Sink for Queue<'_> {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<()> {
        self.put_owned(path.to_string(), bytes.to_vec())
    }

    fn put_owned(&self, path: String, bytes: Vec<u8>) -> Result<()> {
        // A closed queue means the writer stopped on an I/O error, which
        // `write_from` reports instead of this one.
        if !self.backlog.add(bytes.len()) {
            return Err(Error::WriterStopped);
        }
        self.tx
            .send((path, bytes))
            .map_err(|_| Error::WriterStopped)
    }
}

/// The bytes queued for the writer, and whether it has stopped.
#[derive(Default)]
struct Backlog {
    state: Mutex<(usize, bool)>,
    drained: Condvar,
}

impl Backlog {
    /// Waits until `n` more bytes fit (a file always fits an empty queue);
    /// false when the writer has stopped.
    fn add(&self, n: usize) -> bool {
        let lock = self.state.lock().expect("no thread panics holding it");
        let mut state = self
            .drained
            .wait_while(lock, |(bytes, stopped)| {
                !*stopped && *bytes > 0 && *bytes + n > QUEUE_BYTES
            })
            .expect("no thread panics holding it");
        state.0 += n;
        !state.1
    }

    /// `n` bytes were written.
    fn done(&self, n: usize) {
        self.state.lock().expect("no thread panics holding it").0 -= n;
        self.drained.notify_all();
    }

    /// The writer stopped: nobody waits for room any more.
    fn stop(&self) {
        self.state.lock().expect("no thread panics holding it").1 = true;
        self.drained.notify_all();
    }
}

impl Staging {
    /// Runs `produce` with a sink whose files are written by one dedicated
    /// thread, in the order they arrive, creating each directory once.
    /// On this kind of filesystem one writer beats several: parallel
    /// creates contend in the kernel (see benches/README.md), while the
    /// render threads keep both cores busy.
    pub fn write_from<R>(&self, produce: impl FnOnce(&dyn Sink) -> Result<R>) -> Result<R> {
        let backlog = Backlog::default();
        std::thread::scope(|scope| {
            let (tx, rx) = sync_channel(QUEUE);
            let writer = scope.spawn(|| {
                let written = self.drain(rx, &backlog);
                backlog.stop();
                written
            });
            let produced = produce(&Queue {
                tx,
                backlog: &backlog,
            });
            let written = writer.join().expect("the writer thread does not panic");
            written.and(produced)
        })
    }

    fn drain(&self, rx: Receiver<(String, Vec<u8>)>, backlog: &Backlog) -> Result<()> {
        let mut dirs: HashSet<String> = HashSet::new();
        for (path, bytes) in rx {
            if let Some((dir, _)) = path.rsplit_once('/')
                && !dirs.contains(dir)
            {
                let p = self.temp.join(dir);
                std::fs::create_dir_all(&p).map_err(|e| Error::io("creating", &p, e))?;
                dirs.insert(dir.to_string());
            }
            self.put(&path, &bytes)?;
            backlog.done(bytes.len());
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A producer over the byte budget gets through once the writer drains,
    /// and a writer that stops releases it with a refusal instead of a hang.
    #[test]
    fn backlog_waits_for_room_and_is_released_by_a_stop() {
        for stop in [false, true] {
            let backlog = Backlog::default();
            assert!(
                backlog.add(QUEUE_BYTES),
                "a file always fits an empty queue"
            );
            let added = std::thread::scope(|s| {
                let waiter = s.spawn(|| backlog.add(1));
                if stop {
                    backlog.stop();
                } else {
                    backlog.done(QUEUE_BYTES);
                }
                waiter.join().unwrap()
            });
            assert_eq!(added, !stop);
        }
    }

    #[test]
    fn refuses_dangerous_output_dirs() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        assert!(check_output_dir(r, Path::new("/")).is_err());
        assert!(check_output_dir(r, r).is_err());
        assert!(check_output_dir(r, &r.join("content")).is_err());
        assert!(check_output_dir(r, &r.join("content/x")).is_err());
        assert!(check_output_dir(r, &r.join("..")).is_err());
        assert!(check_output_dir(r, &r.join("public")).is_ok());
    }

    #[test]
    fn abandoned_build_leaves_old_output() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("keep.txt"), "old").unwrap();
        {
            let s = Staging::begin(&target).unwrap();
            s.put("new.txt", b"new").unwrap();
        }
        assert_eq!(
            std::fs::read_to_string(target.join("keep.txt")).unwrap(),
            "old"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let s = Staging::begin(&target).unwrap();
        s.put("new.txt", b"new").unwrap();
        s.commit().unwrap();
        assert!(!target.join("keep.txt").exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
