//! Stage 5: output files onto disk without ever leaving a half-written
//! site. Everything goes into a fresh directory next to the target; only
//! when the whole build succeeded is it renamed into place (the previous
//! output is moved aside first and removed after). A failed or abandoned
//! build removes its temporary directory and leaves the old output as it was.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
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

/// Files waiting for the writer thread beyond which render threads wait.
const QUEUE_FILES: usize = 256;

/// Bytes waiting for the writer thread beyond which render threads wait
/// too: the list pages of a 100k-entry site are up to 10 MB each, and a
/// few hundred of them would hold gigabytes.
const QUEUE_BYTES: usize = 48 << 20;

/// Files the writer takes at a time. Waking it for every file cost a
/// futex call and a context switch on each side per file (33,000 of them
/// at 10k entries); it sleeps until a batch is ready instead.
const BATCH: usize = 32;

/// The hand-over between render threads and the writer thread.
#[derive(Default)]
struct Handover {
    state: Mutex<Queued>,
    /// The writer waits here for a batch.
    ready: Condvar,
    /// Render threads wait here for room.
    room: Condvar,
}

/// What is waiting for the writer, and who waits for whom.
#[derive(Default)]
struct Queued {
    files: Vec<(String, Vec<u8>)>,
    /// Bytes queued or being written.
    bytes: usize,
    /// No more files will come.
    closed: bool,
    /// The writer stopped on an error; nothing more is taken.
    stopped: bool,
    writer_waits: bool,
    producers_waiting: usize,
}

impl Queued {
    /// Whether the writer should take the queued files now.
    fn ready(&self) -> bool {
        self.files.len() >= BATCH
            || (!self.files.is_empty() && (self.closed || self.producers_waiting > 0))
    }

    fn full(&self, n: usize) -> bool {
        self.bytes > 0 && (self.bytes + n > QUEUE_BYTES || self.files.len() >= QUEUE_FILES)
    }
}

impl Handover {
    fn lock(&self) -> std::sync::MutexGuard<'_, Queued> {
        self.state.lock().expect("no thread panics holding it")
    }

    /// Queues a file, first waiting until it fits (a file always fits an
    /// empty queue); false when the writer has stopped.
    fn push(&self, path: String, bytes: Vec<u8>) -> bool {
        let n = bytes.len();
        let mut q = self.lock();
        while !q.stopped && q.full(n) {
            q.producers_waiting += 1;
            if q.writer_waits {
                self.ready.notify_one();
            }
            q = self.room.wait(q).expect("no thread panics holding it");
            q.producers_waiting -= 1;
        }
        if q.stopped {
            return false;
        }
        q.bytes += n;
        q.files.push((path, bytes));
        if q.writer_waits && q.ready() {
            self.ready.notify_one();
        }
        true
    }

    /// The next files to write, in the order they came; empty once the
    /// producers are done and everything was taken.
    fn take(&self) -> Vec<(String, Vec<u8>)> {
        let mut q = self.lock();
        while !(q.ready() || q.closed && q.files.is_empty()) {
            q.writer_waits = true;
            q = self.ready.wait(q).expect("no thread panics holding it");
            q.writer_waits = false;
        }
        std::mem::take(&mut q.files)
    }

    /// `n` bytes were written.
    fn written(&self, n: usize) {
        let mut q = self.lock();
        q.bytes -= n;
        if q.producers_waiting > 0 {
            self.room.notify_all();
        }
    }

    /// The producers are done.
    fn close(&self) {
        self.lock().closed = true;
        self.ready.notify_one();
    }

    /// The writer stopped: nobody waits for room any more.
    fn stop(&self) {
        self.lock().stopped = true;
        self.room.notify_all();
    }
}

/// A sink that hands files to the writer thread of [`Staging::write_from`].
/// Render threads block when the queue is full, so memory stays bounded
/// whatever the site's size.
struct Queue<'a>(&'a Handover);

impl Sink for Queue<'_> {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<()> {
        self.put_owned(path.to_string(), bytes.to_vec())
    }

    fn put_owned(&self, path: String, bytes: Vec<u8>) -> Result<()> {
        // A stopped writer met an I/O error, which `write_from` reports
        // instead of this one.
        if self.0.push(path, bytes) {
            Ok(())
        } else {
            Err(Error::WriterStopped)
        }
    }
}

/// Closes the hand-over when the producer returns or unwinds, so the
/// writer never waits for files that will not come.
struct CloseOnDrop<'a>(&'a Handover);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

impl Staging {
    /// Runs `produce` with a sink whose files are written by one dedicated
    /// thread, in the order they arrive, creating each directory once.
    /// On this kind of filesystem one writer beats several: parallel
    /// creates contend in the kernel (see benches/README.md), while the
    /// render threads keep both cores busy.
    pub fn write_from<R>(&self, produce: impl FnOnce(&dyn Sink) -> Result<R>) -> Result<R> {
        let handover = Handover::default();
        std::thread::scope(|scope| {
            let writer = scope.spawn(|| {
                let written = self.drain(&handover);
                handover.stop();
                written
            });
            let produced = {
                let _close = CloseOnDrop(&handover);
                produce(&Queue(&handover))
            };
            let written = writer.join().expect("the writer thread does not panic");
            written.and(produced)
        })
    }

    fn drain(&self, handover: &Handover) -> Result<()> {
        let mut dirs: HashSet<String> = HashSet::new();
        loop {
            let batch = handover.take();
            if batch.is_empty() {
                return Ok(());
            }
            let mut n = 0;
            for (i, (path, bytes)) in batch.into_iter().enumerate() {
                if let Some((dir, _)) = path.rsplit_once('/')
                    && !dirs.contains(dir)
                {
                    let p = self.temp.join(dir);
                    std::fs::create_dir_all(&p).map_err(|e| Error::io("creating", &p, e))?;
                    dirs.insert(dir.to_string());
                }
                self.put(&path, &bytes)?;
                n += bytes.len();
                if (i + 1) % BATCH == 0 {
                    handover.written(std::mem::take(&mut n));
                }
            }
            handover.written(n);
        }
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
    fn full_queue_waits_for_room_and_is_released_by_a_stop() {
        for stop in [false, true] {
            let handover = Handover::default();
            assert!(
                handover.push("big".into(), vec![0; QUEUE_BYTES]),
                "a file always fits an empty queue"
            );
            let pushed = std::thread::scope(|s| {
                let waiter = s.spawn(|| handover.push("small".into(), vec![0]));
                if stop {
                    handover.stop();
                } else {
                    let batch = handover.take();
                    assert_eq!(
                        batch.len(),
                        1,
                        "the writer takes what a waiting producer left"
                    );
                    handover.written(QUEUE_BYTES);
                }
                waiter.join().unwrap()
            });
            assert_eq!(pushed, !stop);
        }
    }

    /// Files come out in the order they went in, in batches, and the writer
    /// gets an empty batch (its signal to finish) only after a close.
    #[test]
    fn writer_takes_files_in_order_until_closed() {
        let handover = Handover::default();
        let taken = std::thread::scope(|s| {
            let writer = s.spawn(|| {
                let mut all = Vec::new();
                loop {
                    let batch = handover.take();
                    if batch.is_empty() {
                        return all;
                    }
                    let n = batch.iter().map(|(_, b)| b.len()).sum();
                    all.extend(batch.into_iter().map(|(p, _)| p));
                    handover.written(n);
                }
            });
            for i in 0..(BATCH * 3 + 5) {
                assert!(handover.push(format!("f{i}"), vec![1; 10]));
            }
            handover.close();
            writer.join().unwrap()
        });
        let want: Vec<String> = (0..(BATCH * 3 + 5)).map(|i| format!("f{i}")).collect();
        assert_eq!(taken, want);
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
