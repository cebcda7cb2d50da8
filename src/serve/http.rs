//! `serve`, the HTTP side: answers requests from the files held in memory
//! ([`Store`]), and streams a server-sent event each time they change so open
//! pages reload themselves. The reload script (and, while the site has
//! errors, an overlay with them) is put into HTML pages as they are served;
//! it is never part of the built files.

use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::sync::{Arc, RwLock};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream::Stream;
use tokio::sync::watch;

use crate::render::markdown::escape_html;

/// The path of the event stream; outside anything a site generates.
pub const EVENTS_PATH: &str = "/__kbgen/events";

/// What is being served: generated files, `static/` files (generated files
/// win, as in a build), and the errors that hold back the next version.
#[derive(Default)]
pub struct Snapshot {
    /// Generated files by output path.
    pub pages: HashMap<String, Arc<[u8]>>,
    /// Files of `static/` by output path.
    pub statics: BTreeMap<String, Arc<[u8]>>,
    /// The site's errors as the terminal shows them, when it has any.
    pub errors: Option<String>,
    /// Counts changes; pages reload when it moves.
    pub generation: u64,
}

/// The served files, shared by the rebuild loop and the request handlers.
pub struct Store {
    snapshot: RwLock<Snapshot>,
    generation: watch::Sender<u64>,
    stopping: watch::Sender<bool>,
}

impl Default for Store {
    fn default() -> Self {
        Store {
            snapshot: RwLock::default(),
            generation: watch::Sender::new(0),
            stopping: watch::Sender::new(false),
        }
    }
}

impl Store {
    /// Changes the snapshot, then tells open pages to reload.
    pub fn update(&self, f: impl FnOnce(&mut Snapshot)) {
        let generation = {
            let mut s = self.write();
            f(&mut s);
            s.generation += 1;
            s.generation
        };
        self.generation.send_replace(generation);
    }

    /// Writes or removes generated files without reloading open pages (the
    /// feeds and indexes that follow a page update).
    pub fn patch_quietly(&self, files: Vec<(String, Option<Arc<[u8]>>)>) {
        let mut s = self.write();
        for (path, bytes) in files {
            match bytes {
                Some(b) => s.pages.insert(path, b),
                None => s.pages.remove(&path),
            };
        }
    }

    /// The errors shown now, if any.
    pub fn errors(&self) -> Option<String> {
        self.read().errors.clone()
    }

    /// Ends every event stream, so a graceful shutdown does not wait on them.
    pub fn stop(&self) {
        self.stopping.send_replace(true);
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Snapshot> {
        self.snapshot.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Snapshot> {
        self.snapshot.write().unwrap_or_else(|e| e.into_inner())
    }
}

/// The router: the event stream, and every other GET from the store.
pub fn router(store: Arc<Store>) -> Router {
    Router::new()
        .route(EVENTS_PATH, get(events))
        .fallback(get(file))
        .with_state(store)
}

async fn events(
    State(store): State<Arc<Store>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let generation = store.generation.subscribe();
    let stopping = store.stopping.subscribe();
    // The first event carries the current generation: a page built before
    // it connected sees that it is stale and reloads.
    let stream = futures_util::stream::unfold(
        (generation, stopping, true),
        |(mut generation, mut stopping, first)| async move {
            if *stopping.borrow() {
                return None;
            }
            if !first {
                tokio::select! {
                    changed = generation.changed() => changed.ok()?,
                    _ = stopping.changed() => return None,
                }
            }
            let g = *generation.borrow_and_update();
            let event = Event::default().event("reload").data(g.to_string());
            Some((Ok(event), (generation, stopping, false)))
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn file(State(store): State<Arc<Store>>, req: Request) -> Response {
    let Some(path) = decode_path(req.uri().path()) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let snapshot = store.read();
    let find = |p: &str| {
        snapshot
            .pages
            .get(p)
            .or_else(|| snapshot.statics.get(p))
            .cloned()
    };
    let target = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.clone()
    };
    if let Some(bytes) = find(&target) {
        return respond(StatusCode::OK, &target, bytes, &snapshot);
    }
    if find(&format!("{path}/index.html")).is_some() {
        let to = format!("/{path}/");
        return (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, to)]).into_response();
    }
    let body = find("404.html").unwrap_or_else(|| {
        Arc::from(
            &b"<!DOCTYPE html><title>Not found</title><body><p>No page here (yet).</p></body>"[..],
        )
    });
    respond(StatusCode::NOT_FOUND, "404.html", body, &snapshot)
}

/// The site path of a request (`git/x/`), percent-decoded; `None` when it
/// tries to climb out.
fn decode_path(raw: &str) -> Option<String> {
    let raw = raw.trim_start_matches('/');
    let mut bytes = Vec::with_capacity(raw.len());
    let mut it = raw.bytes();
    while let Some(b) = it.next() {
        if b == b'%' {
            let hex = [it.next()?, it.next()?];
            let s = std::str::from_utf8(&hex).ok()?;
            bytes.push(u8::from_str_radix(s, 16).ok()?);
        } else {
            bytes.push(b);
        }
    }
    let path = String::from_utf8(bytes).ok()?;
    if path.split('/').any(|s| s == ".." || s == ".") || path.contains('\\') {
        return None;
    }
    Some(path)
}

fn respond(status: StatusCode, path: &str, bytes: Arc<[u8]>, snapshot: &Snapshot) -> Response {
    let kind = content_type(path);
    let body = if kind.starts_with("text/html") {
        Body::from(inject(&bytes, snapshot))
    } else {
        Body::from(Bytes::from_owner(bytes))
    };
    let mut res = Response::new(body);
    *res.status_mut() = status;
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The page with the reload script (and the error overlay) before `</body>`.
pub fn inject(html: &[u8], snapshot: &Snapshot) -> Vec<u8> {
    let mut extra = String::new();
    if let Some(errors) = &snapshot.errors {
        extra.push_str(&overlay(errors));
    }
    extra.push_str(&reload_script(snapshot.generation));
    let at = find_last(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + extra.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
}

/// The script that reloads the page when the served files change.
fn reload_script(generation: u64) -> String {
    format!(
        "<script data-kbgen-serve>(function(){{var g=\"{generation}\";var s=new EventSource(\"{EVENTS_PATH}\");\
s.addEventListener(\"reload\",function(e){{if(e.data!==g){{s.close();location.reload();}}}});}})();</script>\n"
    )
}

/// The errors, shown over the page.
fn overlay(errors: &str) -> String {
    format!(
        "<div id=\"kbgen-error-overlay\" role=\"alert\" style=\"position:fixed;inset:0;z-index:2147483647;overflow:auto;\
background:rgba(20,20,24,.94);color:#f3f3f3;padding:2rem;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace\">\
<p style=\"margin:0 0 1rem;font-size:16px;color:#ff8080\"><strong>kbgen serve: the site has errors.</strong> \
The page below is from the last good build; fix the file and it reloads.</p>\
<pre style=\"white-space:pre-wrap;margin:0\">{}</pre></div>\n",
        escape_html(errors)
    )
}

/// The `Content-Type` for an output path.
fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_are_decoded_and_kept_inside() {
        assert_eq!(decode_path("/git/x/").as_deref(), Some("git/x/"));
        assert_eq!(
            decode_path("/img/a%20b.png").as_deref(),
            Some("img/a b.png")
        );
        assert_eq!(decode_path("/"), Some(String::new()));
        assert_eq!(decode_path("/../etc/passwd"), None);
        assert_eq!(decode_path("/a/%2e%2e/b"), None);
        assert_eq!(decode_path("/bad%2"), None);
    }

    #[test]
    fn script_and_overlay_go_before_the_body_ends() {
        let snap = Snapshot {
            errors: Some("error: <bad>".into()),
            generation: 7,
            ..Snapshot::default()
        };
        let out = String::from_utf8(inject(b"<html><body><p>x</p></body></html>", &snap)).unwrap();
        assert!(out.ends_with("</script>\n</body></html>"), "{out}");
        assert!(out.contains("kbgen-error-overlay"));
        assert!(out.contains("error: &lt;bad&gt;"));
        assert!(out.contains("var g=\"7\""));
    }
}
