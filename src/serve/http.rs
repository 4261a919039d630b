//! Serving the site from memory, with live reload and the error overlay.
//!
//! Every HTML response gets a small script that listens to server-sent events and reloads
//! the page after each rebuild; when the last rebuild failed, it also gets an overlay with
//! the diagnostics. Neither is ever part of a built site.

use std::sync::{Arc, RwLock};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use tokio::sync::broadcast;

use super::host::HostPolicy;
use crate::markdown::escape;
use crate::render::Site;

/// Where live-reload events are served.
pub const EVENTS_PATH: &str = "/__undersigned/events";

/// The preview the server shows: the last good site, or its errors over it; shared with the
/// rebuild loop.
pub struct Preview {
    /// The last good site.
    pub site: RwLock<Arc<Site>>,
    /// The diagnostics of the last rebuild, if it failed.
    pub errors: RwLock<Option<Arc<Vec<String>>>>,
    /// Fires after every rebuild, good or bad.
    pub reload: broadcast::Sender<u64>,
    /// The site's root path ("/" in a preview).
    pub root: String,
}

impl Preview {
    /// A state showing `site`.
    pub fn new(site: Arc<Site>, root: String) -> Arc<Self> {
        let (reload, _) = broadcast::channel(16);
        Arc::new(Self { site: RwLock::new(site), errors: RwLock::new(None), reload, root })
    }

    /// Shows a new site and tells every open page to reload.
    pub fn publish(&self, site: Arc<Site>) {
        *self.site.write().unwrap_or_else(std::sync::PoisonError::into_inner) = site;
        *self.errors.write().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
        let _ = self.reload.send(0);
    }

    /// Shows a new site without reloading open pages (the feeds caught up after an edit).
    pub fn replace_quietly(&self, site: Arc<Site>) {
        *self.site.write().unwrap_or_else(std::sync::PoisonError::into_inner) = site;
    }

    /// Keeps the site, shows the diagnostics over it, and tells every open page to reload.
    pub fn fail(&self, diagnostics: Vec<String>) {
        *self.errors.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Arc::new(diagnostics));
        let _ = self.reload.send(0);
    }

    fn snapshot(&self) -> (Arc<Site>, Option<Arc<Vec<String>>>) {
        let site = self.site.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        let errors = self.errors.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        (site, errors)
    }
}

/// The server's routes, every one of them (the fallback too) behind the `Host` check.
pub fn router(preview: Arc<Preview>, hosts: HostPolicy) -> Router {
    Router::new()
        .route(EVENTS_PATH, axum::routing::get(events))
        .fallback(file)
        .with_state(preview)
        .layer(axum::middleware::from_fn_with_state(hosts, super::host::check))
}

/// Server-sent events: one `reload` per rebuild, and a comment every 15 s to keep the
/// connection open through proxies.
async fn events(State(preview): State<Arc<Preview>>) -> impl IntoResponse {
    let receiver = preview.reload.subscribe();
    let stream = stream::unfold(receiver, |mut rx| async move {
        match rx.recv().await {
            Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {
                let event = axum::response::sse::Event::default().event("reload").data("reload");
                Some((Ok::<_, std::convert::Infallible>(event), rx))
            }
            Err(broadcast::error::RecvError::Closed) => None,
        }
    });
    axum::response::Sse::new(stream).keep_alive(axum::response::sse::KeepAlive::default())
}

/// Any other path: a file of the site, its folder's `index.html`, or the 404 page.
async fn file(State(preview): State<Arc<Preview>>, uri: Uri) -> Response {
    let (site, errors) = preview.snapshot();
    let path = percent_decode(uri.path());
    let rel = path.strip_prefix(&preview.root).or_else(|| path.strip_prefix('/')).unwrap_or(&path);
    let found = if rel.is_empty() || rel.ends_with('/') { format!("{rel}index.html") } else { rel.to_owned() };
    if let Some(bytes) = site.files.get(&found) {
        return respond(StatusCode::OK, &found, bytes, errors.as_deref());
    }
    if site.files.contains_key(&format!("{rel}/index.html")) {
        let location = format!("{}/", uri.path());
        return Response::builder()
            .status(StatusCode::MOVED_PERMANENTLY)
            .header(header::LOCATION, location)
            .body(Body::empty())
            .unwrap_or_default();
    }
    match site.files.get("404.html") {
        Some(bytes) => respond(StatusCode::NOT_FOUND, "404.html", bytes, errors.as_deref()),
        None => {
            let page = b"<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Not found</title><h1>Not found</h1></html>";
            respond(StatusCode::NOT_FOUND, "404.html", page, errors.as_deref())
        }
    }
}

fn respond(status: StatusCode, path: &str, bytes: &[u8], errors: Option<&Vec<String>>) -> Response {
    let content_type = content_type(path);
    let body = if content_type.starts_with("text/html") {
        Body::from(inject(bytes, errors))
    } else {
        Body::from(bytes.to_vec())
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The page with the live-reload script, and the error overlay when there are errors.
pub fn inject(page: &[u8], errors: Option<&Vec<String>>) -> Vec<u8> {
    let html = String::from_utf8_lossy(page);
    let mut extra = String::new();
    if let Some(errors) = errors {
        extra.push_str(
            "<div id=\"undersigned-errors\" role=\"alert\" style=\"position:fixed;inset:auto 0 0 0;max-height:60vh;\
             overflow:auto;z-index:2147483647;margin:0;padding:1rem 1.25rem;background:#2b0a0a;color:#fff;\
             font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;border-top:4px solid #e5484d\">\
             <strong style=\"font-family:system-ui,sans-serif\">The last change has errors; this is the last good version.</strong>\
             <pre style=\"white-space:pre-wrap;margin:.5rem 0 0\">",
        );
        for line in errors.iter() {
            extra.push_str(&escape(line));
            extra.push('\n');
        }
        extra.push_str("</pre></div>");
    }
    extra.push_str(&format!(
        "<script>(()=>{{const s=new EventSource(\"{EVENTS_PATH}\");s.addEventListener(\"reload\",()=>location.reload());}})();</script>"
    ));
    match html.rfind("</body>") {
        Some(at) => format!("{}{extra}{}", &html[..at], &html[at..]).into_bytes(),
        None => format!("{html}{extra}").into_bytes(),
    }
}

/// The media type of a site file, by its name.
pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name {
        "feed.xml" => return "application/rss+xml; charset=utf-8",
        "atom.xml" => return "application/atom+xml; charset=utf-8",
        "feed.json" => return "application/feed+json; charset=utf-8",
        _ => {}
    }
    match name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("xml") => "application/xml; charset=utf-8",
        Some("json") => "application/json; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("pdf") => "application/pdf",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        _ => "application/octet-stream",
    }
}

/// Decodes `%XX` escapes; invalid ones are kept as they are.
fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (bytes.get(i + 1).and_then(|b| hex(*b)), bytes.get(i + 2).and_then(|b| hex(*b)))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overlay_is_escaped_and_the_script_goes_before_body_end() {
        let page = b"<html><body><p>x</p></body></html>";
        let errors = vec!["a.md:1:1: error: <script>alert(1)</script> & more".to_owned()];
        let out = String::from_utf8(inject(page, Some(&errors))).unwrap();
        assert_contains!(out, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more");
        assert_lacks!(out, "<script>alert(1)");
        assert!(out.ends_with("</script></body></html>"), "{out}");
        let clean = String::from_utf8(inject(page, None)).unwrap();
        assert_lacks!(clean, "undersigned-errors");
        assert_contains!(clean, EVENTS_PATH);
    }

    #[test]
    fn content_types_follow_the_file() {
        assert_eq!(content_type("en/feed.xml"), "application/rss+xml; charset=utf-8");
        assert_eq!(content_type("en/atom.xml"), "application/atom+xml; charset=utf-8");
        assert_eq!(content_type("en/feed.json"), "application/feed+json; charset=utf-8");
        assert_eq!(content_type("sitemap.xml"), "application/xml; charset=utf-8");
        assert_eq!(content_type("en/statements/x/signatories.csv"), "text/csv; charset=utf-8");
        assert_eq!(content_type("en/statements/x/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("statement.PDF"), "application/pdf");
    }

    fn site() -> Arc<Preview> {
        let mut site = Site::default();
        site.files.insert("index.html".to_owned(), b"<html><body>home</body></html>".to_vec().into());
        site.files.insert("en/statements/embargoed/index.html".to_owned(), b"<p>secret</p>".to_vec().into());
        Preview::new(Arc::new(site), "/".to_owned())
    }

    async fn status(policy: &HostPolicy, path: &str, host: Option<&str>) -> u16 {
        use tower::ServiceExt;
        let mut request = axum::http::Request::get(path);
        if let Some(host) = host {
            request = request.header(header::HOST, host);
        }
        let request = request.body(Body::empty()).expect("a valid request");
        let response = router(site(), policy.clone()).oneshot(request).await.expect("infallible");
        response.status().as_u16()
    }

    #[tokio::test]
    async fn every_route_refuses_a_foreign_host() {
        let policy = HostPolicy::new(std::net::IpAddr::from([127, 0, 0, 1]), &[]);
        for (path, answered) in [
            ("/", 200),
            ("/en/statements/embargoed/", 200),
            ("/en/statements/embargoed", 301),
            ("/nope", 404),
            (EVENTS_PATH, 200),
        ] {
            for host in ["localhost:1111", "127.0.0.1:1111", "[::1]:1111"] {
                assert_eq!(status(&policy, path, Some(host)).await, answered, "{path} for {host}");
            }
            // A DNS-rebound name reaches the server with its own Host.
            for host in ["rebind.evil.example:1111", "evil.example", "127.0.0.1.nip.io:1111"] {
                assert_eq!(status(&policy, path, Some(host)).await, 403, "{path} for {host}");
            }
            assert_eq!(status(&policy, path, None).await, answered, "{path} without Host (HTTP/1.0)");
        }
    }

    #[tokio::test]
    async fn a_refusal_says_why_in_plain_text() {
        use tower::ServiceExt;
        let policy = HostPolicy::new(std::net::IpAddr::from([127, 0, 0, 1]), &[]);
        let request = axum::http::Request::get("/").header(header::HOST, "evil.example:1111").body(Body::empty());
        let response = router(site(), policy).oneshot(request.expect("valid")).await.expect("infallible");
        assert_eq!(response.headers()[header::CONTENT_TYPE], "text/plain; charset=utf-8");
        let body = axum::body::to_bytes(response.into_body(), 4096).await.expect("a body");
        assert_eq!(
            String::from_utf8_lossy(&body),
            "403 Forbidden: this undersigned preview does not answer the host `evil.example:1111`: it answers \
             only localhost, 127.0.0.1, [::1] and its --bind address. To preview under this name, start it \
             with `--allow-host evil.example`.\n"
        );
    }

    #[tokio::test]
    async fn two_hosts_or_a_request_line_naming_another_host_are_refused() {
        use tower::ServiceExt;
        let policy = HostPolicy::new(std::net::IpAddr::from([127, 0, 0, 1]), &[]);
        let two = axum::http::Request::get("/")
            .header(header::HOST, "localhost")
            .header(header::HOST, "evil.example")
            .body(Body::empty())
            .expect("valid");
        assert_eq!(router(site(), policy.clone()).oneshot(two).await.expect("ok").status(), 403);
        let absolute = axum::http::Request::get("http://evil.example/")
            .header(header::HOST, "localhost")
            .body(Body::empty())
            .expect("valid");
        assert_eq!(router(site(), policy.clone()).oneshot(absolute).await.expect("ok").status(), 403);
        let absolute_only = axum::http::Request::get("http://evil.example/").body(Body::empty()).expect("valid");
        assert_eq!(router(site(), policy).oneshot(absolute_only).await.expect("ok").status(), 403);
    }

    #[test]
    fn percent_escapes_are_decoded() {
        assert_eq!(percent_decode("/static/my%20file.pdf"), "/static/my file.pdf");
        assert_eq!(percent_decode("/bad%zz"), "/bad%zz");
    }
}
