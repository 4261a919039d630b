//! `check --external`: links to other sites, fetched with bounded concurrency and timeouts.
//!
//! A link is broken when its server answers with a 4xx or 5xx status, or does not answer
//! at all within the timeout. `HEAD` is tried first; servers that refuse it get a `GET`.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use crate::error::{Diagnostic, Diagnostics};
use crate::links::LinkScope;

/// How the outside world is asked.
#[derive(Debug, Clone, Copy)]
pub struct ExternalOptions {
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Time allowed for one request, redirects included.
    pub timeout: Duration,
}

impl Default for ExternalOptions {
    fn default() -> Self {
        Self { concurrency: 8, timeout: Duration::from_secs(10) }
    }
}

/// Checks every distinct external link once; each broken one is an error at every place
/// it is written.
pub fn check_external(links: &[(String, String)], scope: &LinkScope<'_>, options: ExternalOptions) -> Diagnostics {
    let mut pages_of: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (url, page) in links {
        pages_of.entry(url.as_str()).or_default().push(page.as_str());
    }
    let urls: Vec<&str> = pages_of.keys().copied().collect();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .http_status_as_error(false)
        .max_redirects(10)
        .user_agent("undersigned link checker")
        .build()
        .into();
    let next = Mutex::new(0usize);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|scope_| {
        for _ in 0..options.concurrency.clamp(1, 64).min(urls.len().max(1)) {
            scope_.spawn(|| {
                loop {
                    let i = {
                        // A worker that panicked cannot leave the counter half-written.
                        let mut n = next.lock().unwrap_or_else(|e| e.into_inner());
                        *n += 1;
                        *n - 1
                    };
                    let Some(url) = urls.get(i) else { break };
                    if let Err(why) = probe(&agent, url) {
                        failures.lock().unwrap_or_else(|e| e.into_inner()).push((*url, why));
                    }
                }
            });
        }
    });
    let mut diagnostics = Diagnostics::new();
    for (url, why) in failures.into_inner().unwrap_or_else(|e| e.into_inner()) {
        for page in pages_of.get(url).into_iter().flatten() {
            diagnostics.push(
                Diagnostic::error(scope.locate(page, url), format!("the link {url} is broken: {why}"))
                    .with_hint(format!("found in the output page /{page}")),
            );
        }
    }
    diagnostics
}

/// `Ok` if the address answers with a success or redirect status.
fn probe(agent: &ureq::Agent, url: &str) -> Result<(), String> {
    let status = match agent.head(url).call() {
        Ok(response) if matches!(response.status().as_u16(), 405 | 501 | 403) => get(agent, url)?,
        Ok(response) => response.status().as_u16(),
        Err(_) => get(agent, url)?,
    };
    if status < 400 { Ok(()) } else { Err(format!("the server answered {status}")) }
}

fn get(agent: &ureq::Agent, url: &str) -> Result<u16, String> {
    agent.get(url).call().map(|r| r.status().as_u16()).map_err(|e| e.to_string())
}
