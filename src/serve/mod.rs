//! `undersigned serve`: build in memory, serve over HTTP, rebuild on every save.
//!
//! Three parts share one [`http::Preview`] handle and nothing global: the HTTP server
//! (tokio + axum) answers from the last good site; a watcher thread turns file events
//! into [`watch::Change`]s; a rebuild thread applies them with [`rebuild::Rebuilder`],
//! publishes the new site or the errors, and tells open pages to reload.

pub mod host;
pub mod http;
pub mod rebuild;
pub mod watch;

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use self::http::Preview;
use self::rebuild::{Outcome, Rebuilder};
use crate::error::{Diagnostics, Error, Result};
use crate::render::{RenderOptions, Site};

/// What `serve` is asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site's folder.
    pub root: PathBuf,
    /// Address to listen on (127.0.0.1 by default).
    pub bind: IpAddr,
    /// First port to try; the next free one is taken if it is busy. 0 lets the system pick.
    pub port: u16,
    /// Scan for changes instead of relying on file system events.
    pub poll: bool,
    /// Show drafts too.
    pub drafts: bool,
    /// Host names answered besides the loopback ones and the bind address (see [`host`]).
    pub allow_hosts: Vec<String>,
}

/// How `serve` reports what happens, so `main.rs` stays the only place that prints.
pub trait Reporter: Send + 'static {
    /// The server listens at `url`.
    fn listening(&self, url: &str);
    /// A build finished in `elapsed`, with these warnings.
    fn built(&self, what: &str, elapsed: Duration, pages: usize, warnings: &Diagnostics);
    /// A build failed; the last good site stays on show.
    fn failed(&self, what: &str, elapsed: Duration, errors: &Diagnostics);
}

/// Runs until Ctrl-C (or SIGTERM).
pub fn serve(options: &ServeOptions, reporter: impl Reporter) -> Result<()> {
    let listener = bind(options.bind, options.port)?;
    let address = listener.local_addr().map_err(|e| Error::io("socket", e))?;
    let host = match address.ip() {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    let url = format!("http://{host}:{}/", address.port());
    let render_options =
        RenderOptions { now: crate::now(), drafts: options.drafts, base_url: Some(url.clone()), preview: true };

    // Watch before the first build, so that no save is missed: what changes while it runs
    // waits in the channel and is applied after it.
    let (tx, rx) = mpsc::channel();
    let _watch = watch::watch(&options.root, options.poll, tx)
        .map_err(|e| Error::io(&options.root, std::io::Error::other(e.to_string())))?;
    reporter.listening(&url);
    let mut rebuilder = Rebuilder::new(options.root.clone(), render_options);
    let started = Instant::now();
    let preview = Preview::new(Arc::new(Site::default()), "/".to_owned());
    report(&preview, &reporter, "initial build", started, rebuilder.full()?);

    let root = options.root.clone();
    let rebuild_preview = preview.clone();
    std::thread::spawn(move || rebuild_loop(&root, &rx, &mut rebuilder, &rebuild_preview, &reporter));

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::io("tokio runtime", e))?;
    runtime.block_on(async move {
        listener.set_nonblocking(true).map_err(|e| Error::io("socket", e))?;
        let listener = tokio::net::TcpListener::from_std(listener).map_err(|e| Error::io("socket", e))?;
        axum::serve(listener, http::router(preview, host::HostPolicy::new(options.bind, &options.allow_hosts)))
            .with_graceful_shutdown(stopped())
            .await
            .map_err(|e| Error::io("server", e))
    })?;
    // Open event streams would hold a graceful shutdown forever; the process ends here.
    runtime.shutdown_timeout(Duration::from_millis(200));
    Ok(())
}

/// Binds `port`, or the next free port after it (up to 100 tries).
fn bind(ip: IpAddr, port: u16) -> Result<TcpListener> {
    let last = if port == 0 { 0 } else { port.saturating_add(100) };
    let mut error = None;
    for candidate in port..=last {
        match TcpListener::bind(SocketAddr::new(ip, candidate)) {
            Ok(listener) => return Ok(listener),
            Err(e) => error = Some(e),
        }
    }
    Err(Error::Usage(format!(
        "cannot listen on {ip} from port {port}: {}",
        error.map_or_else(|| "no port free".to_owned(), |e| e.to_string())
    )))
}

/// How long edits must pause before the feeds are rendered again.
const FEEDS_AFTER: Duration = Duration::from_millis(1500);

/// Waits for change batches, coalesces the ones that arrive while a build runs, rebuilds.
fn rebuild_loop(
    root: &std::path::Path,
    rx: &mpsc::Receiver<Vec<PathBuf>>,
    rebuilder: &mut Rebuilder,
    preview: &Preview,
    reporter: &impl Reporter,
) {
    let absolute_root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    loop {
        // Once edits pause, bring the feeds and the sitemap up to date after quick
        // one-statement rebuilds (the slowest listings, and nobody reads them while typing).
        let first = match rx.recv_timeout(FEEDS_AFTER) {
            Ok(paths) => paths,
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Some(site) = rebuilder.refresh_deferred() {
                    preview.replace_quietly(site);
                }
                continue;
            }
        };
        let mut changes = BTreeSet::new();
        for paths in std::iter::once(first).chain(rx.try_iter()) {
            for path in paths {
                let change = watch::classify(&absolute_root, &path).or_else(|| watch::classify(root, &path));
                changes.extend(change);
            }
        }
        if changes.is_empty() {
            continue;
        }
        let what = describe(&changes);
        let started = Instant::now();
        match rebuilder.apply(&changes) {
            Ok(outcome) => report(preview, reporter, &what, started, outcome),
            Err(e) => {
                let mut diagnostics = Diagnostics::new();
                diagnostics
                    .push(crate::error::Diagnostic::error(crate::error::SourceLocation::file(root), e.to_string()));
                report(preview, reporter, &what, started, Outcome::Failed(diagnostics));
            }
        }
    }
}

fn report(preview: &Preview, reporter: &impl Reporter, what: &str, started: Instant, outcome: Outcome) {
    match outcome {
        Outcome::Built(site, warnings) => {
            let pages = site.pages;
            preview.publish(site);
            reporter.built(what, started.elapsed(), pages, &warnings);
        }
        Outcome::Failed(errors) => {
            let lines = errors.clone().sorted().iter().filter(|d| d.is_error()).map(ToString::to_string).collect();
            preview.fail(lines);
            reporter.failed(what, started.elapsed(), &errors);
        }
    }
}

/// "content/statements/guard changed", for the terminal.
fn describe(changes: &BTreeSet<watch::Change>) -> String {
    use watch::Change;
    let parts: Vec<String> = changes
        .iter()
        .map(|c| match c {
            Change::Statement(name) => format!("content/statements/{name}"),
            Change::Page(name) => format!("content/pages/{name}"),
            Change::Registry => "signatories.yaml".to_owned(),
            Change::Site => "site.yaml".to_owned(),
            Change::Theme => "themes/".to_owned(),
            Change::Static => "static/".to_owned(),
            Change::Content => "content/".to_owned(),
        })
        .collect();
    format!("{} changed", parts.join(", "))
}

/// Resolves on Ctrl-C or SIGTERM.
async fn stopped() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
