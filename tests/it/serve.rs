//! `undersigned serve` as a process: it serves, survives bursts of odd saves, and stops
//! cleanly so a second one can take its port at once.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::fixture::Fixture;

/// A running `serve`; killed when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(site: &Fixture, port: u16) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_undersigned"))
            .args(["serve", "--port", &port.to_string()])
            .current_dir(site.root())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().expect("a first line").expect("readable");
        // Keep draining so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        let url = first.split_whitespace().nth(1).expect("serving <url>").to_owned();
        assert!(first.starts_with("serving http://127.0.0.1:"), "{first}");
        let server = Self { child, url };
        // The server answers once its first build is done.
        let _ = server.get("");
        server
    }

    fn get(&self, path: &str) -> (u16, String, String) {
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let mut response = agent.get(&format!("{}{path}", self.url)).call().expect("request");
        let status = response.status().as_u16();
        let content_type =
            response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        (status, content_type, response.body_mut().read_to_string().unwrap_or_default())
    }

    /// Waits until `path` contains `text`.
    fn wait_for(&self, path: &str, text: &str, limit: Duration) -> Duration {
        let started = Instant::now();
        while started.elapsed() < limit {
            if self.get(path).2.contains(text) {
                return started.elapsed();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("{path} did not show {text:?} within {limit:?}");
    }

    fn port(&self) -> u16 {
        self.url.trim_end_matches('/').rsplit(':').next().and_then(|p| p.parse().ok()).expect("port")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn it_serves_every_kind_of_file_with_its_type_and_the_theme_404() {
    let site = Fixture::base();
    let server = Server::start(&site, 0);
    let (status, kind, body) = server.get("");
    assert_eq!((status, kind.as_str()), (200, "text/html; charset=utf-8"));
    assert_contains!(body, "/__undersigned/events", "the live-reload script is injected");
    assert_eq!(server.get("en/feed.xml").1, "application/rss+xml; charset=utf-8");
    assert_eq!(server.get("es/atom.xml").1, "application/atom+xml; charset=utf-8");
    assert_eq!(server.get("en/feed.json").1, "application/feed+json; charset=utf-8");
    assert_eq!(server.get("en/statements/sample/signatories.csv").1, "text/csv; charset=utf-8");
    assert_eq!(server.get("style.css").1, "text/css; charset=utf-8");
    let (status, _, body) = server.get("en/nothing-here/");
    assert_eq!(status, 404);
    assert_contains!(body, "<h1", "the theme's 404 page");
    // Canonical links point at the preview, not at the production address.
    assert!(
        server
            .get("en/statements/sample/")
            .2
            .contains(&format!("<link rel=\"canonical\" href=\"{}en/statements/sample/\">", server.url))
    );
}

#[test]
fn it_survives_a_burst_of_200_saves_and_ends_on_the_last_one() {
    let site = Fixture::base();
    let server = Server::start(&site, 0);
    let page = "en/statements/sample/";
    let file = site.root().join("content/statements/sample/en.md");
    let temp = site.root().join("content/statements/sample/.en.md.tmp");
    for i in 0..200 {
        let text = format!("---\ntitle: Version {i}\n---\nBody of version {i}.\n");
        if i % 2 == 0 {
            // Write-then-rename, as most editors save.
            std::fs::write(&temp, &text).expect("write temp");
            std::fs::rename(&temp, &file).expect("rename");
        } else {
            // Truncate-and-write, as others do (the file is briefly empty).
            std::fs::write(&file, &text).expect("write");
        }
    }
    server.wait_for(page, "Body of version 199.", Duration::from_secs(20));
    assert_eq!(server.get(page).0, 200);
    assert_lacks!(server.get(page).2, "undersigned-errors", "no error left over from a half-written save");
    // The feeds catch up once the edits pause.
    server.wait_for("en/feed.xml", "Version 199", Duration::from_secs(10));
}

#[test]
fn an_error_shows_over_the_last_good_page_and_goes_when_fixed() {
    let site = Fixture::base();
    let server = Server::start(&site, 0);
    let yaml = site.root().join("content/statements/sample/statement.yaml");
    let good = std::fs::read_to_string(&yaml).expect("statement.yaml");
    std::fs::write(&yaml, good.replace("signatories:", "signatories: [")).expect("break");
    server.wait_for("en/", "undersigned-errors", Duration::from_secs(10));
    let (_, _, body) = server.get("en/statements/sample/");
    assert_contains!(
        body,
        "content/statements/sample/statement.yaml:3:3: error:",
        "the overlay names the file and line"
    );
    assert_contains!(body, "A Sample Statement", "the last good page is still shown under the overlay");
    std::fs::write(&yaml, &good).expect("fix");
    let started = Instant::now();
    while server.get("en/statements/sample/").2.contains("undersigned-errors") {
        assert!(started.elapsed() < Duration::from_secs(10), "the overlay did not go");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn sigterm_stops_it_and_a_second_serve_takes_the_same_port_at_once() {
    let site = Fixture::base();
    let mut first = Server::start(&site, 0);
    let port = first.port();
    assert_eq!(first.get("").0, 200);
    let status = Command::new("kill").args(["-TERM", &first.child.id().to_string()]).status().expect("kill");
    assert!(status.success());
    let started = Instant::now();
    let exit = loop {
        if let Some(exit) = first.child.try_wait().expect("wait") {
            break exit;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "serve did not stop within 5 s");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "{exit:?}");
    let second = Server::start(&site, port);
    assert_eq!(second.port(), port);
    assert_eq!(second.get("").0, 200);
}

#[test]
fn a_busy_port_makes_it_take_the_next_one() {
    let blocker = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let busy = blocker.local_addr().expect("address").port();
    let site = Fixture::base();
    let server = Server::start(&site, busy);
    assert_ne!(server.port(), busy);
    assert_eq!(server.get("").0, 200);
}

#[test]
fn embargoed_statements_show_in_the_preview_with_a_banner_and_drafts_only_when_asked() {
    let site = Fixture::base()
        .file(
            "content/statements/secret/statement.yaml",
            "date: 2999-01-01\nembargo: 2999-01-01T09:00:00-05:00\nsignatories: [zeta-network]\n",
        )
        .file("content/statements/secret/en.md", "---\ntitle: Not Yet\n---\nSoon.\n")
        .file("content/statements/draft/statement.yaml", "date: 2020-01-01\ndraft: true\nsignatories: [zeta-network]\n")
        .file("content/statements/draft/en.md", "---\ntitle: Draft Text\n---\nMaybe.\n");
    let server = Server::start(&site, 0);
    let (status, _, page) = server.get("en/statements/secret/");
    assert_eq!(status, 200);
    assert_contains!(page, "class=\"preview-banner\" role=\"status\">Embargoed until 1 January 2999 08:00 CST");
    assert_eq!(server.get("en/statements/draft/").0, 404, "drafts only with --drafts");
    // The built site has neither.
    let run = site.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!site.root().join("public/en/statements/secret").exists());
    assert_lacks!(site.output("en/index.html"), "Not Yet");
}

/// What `serve` renders with, at a fixed instant: a preview.
pub fn preview_options() -> undersigned::render::RenderOptions {
    undersigned::render::RenderOptions {
        now: "2026-01-01T00:00:00Z".parse().expect("instant"),
        drafts: false,
        base_url: None,
        preview: true,
    }
}

/// After any one-statement edit, and once the deferred feeds follow, the preview holds
/// exactly what a full build of the same files renders: the partial rebuild leaves out
/// nothing that the edit changed (text only, title, signers, a removed statement).
#[test]
fn partial_rebuilds_end_where_a_full_build_does() {
    use std::collections::BTreeSet;

    use undersigned::serve::rebuild::{Outcome, Rebuilder};
    use undersigned::serve::watch::Change;

    let site = Fixture::base();
    let options = preview_options();
    let mut preview = Rebuilder::new(site.root().to_path_buf(), options.clone());
    assert!(matches!(preview.full().expect("full build"), Outcome::Built(..)));
    let yaml = site.root().join("content/statements/sample/statement.yaml");
    let en = site.root().join("content/statements/sample/en.md");
    let original_en = std::fs::read_to_string(&en).expect("en.md");
    let original_yaml = std::fs::read_to_string(&yaml).expect("yaml");
    let edits: [(&std::path::Path, String); 7] = [
        (&en, original_en.replace("We say it twice.", "We say it twice, and mean it.")),
        (&en, original_en.replace("title: A Sample Statement", "title: A Renamed Statement")),
        (&yaml, original_yaml.replace("  - nordic-example\n", "")),
        (&en, original_en.replace("summary: A statement used by the tests.", "summary: Another summary.")),
        // Its topics and its year: the archive's pages and the topics' feeds follow.
        (&yaml, original_yaml.replace("tags: [test]", "tags: [test, courts]")),
        (
            &yaml,
            original_yaml.replace("tags: [test]", "tags: [courts]").replace("date: 2019-06-27", "date: 2021-03-02"),
        ),
        (&yaml, original_yaml.clone()),
    ];
    let changes = BTreeSet::from([Change::Statement("sample".to_owned())]);
    for (i, (file, text)) in edits.iter().enumerate() {
        std::fs::write(file, text).expect("edit");
        let outcome = preview.apply(&changes).expect("rebuild");
        let Outcome::Built(..) = outcome else { panic!("edit {i} failed: {outcome:?}") };
        let partial = preview.refresh_deferred().expect("feeds and sitemap follow");
        // A full build, and what follows it once edits pause (its share cards).
        let mut fresh = Rebuilder::new(site.root().to_path_buf(), options.clone());
        let Outcome::Built(..) = fresh.full().expect("full build") else { panic!("full build {i} failed") };
        let full = fresh.refresh_deferred().expect("the share cards follow a full build");
        let differing: Vec<&String> = full
            .files
            .keys()
            .chain(partial.files.keys())
            .filter(|p| full.files.get(*p) != partial.files.get(*p))
            .collect();
        assert!(differing.is_empty(), "after edit {i}, these files differ from a full build: {differing:?}");
    }
}

/// Sends a raw request over a socket and returns the status line, so that the `Host`
/// header is exactly what a DNS-rebinding page (or an HTTP/1.0 client) would send.
fn raw_status(server: &Server, request: &str) -> String {
    use std::io::{Read, Write};
    let mut socket = std::net::TcpStream::connect(("127.0.0.1", server.port())).expect("connect");
    socket.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    socket.write_all(request.as_bytes()).expect("send");
    let mut head = [0u8; 64];
    let read = socket.read(&mut head).expect("answer");
    String::from_utf8_lossy(&head[..read]).lines().next().unwrap_or_default().to_owned()
}

#[test]
fn a_page_under_another_name_is_refused_even_for_the_event_stream() {
    let site = Fixture::base();
    let server = Server::start(&site, 0);
    for path in ["/", "/en/statements/sample/", "/__undersigned/events", "/nothing-here"] {
        let rebound = format!("GET {path} HTTP/1.1\r\nHost: rebind.evil.example:{}\r\n\r\n", server.port());
        assert_eq!(raw_status(&server, &rebound), "HTTP/1.1 403 Forbidden", "{path}");
        let local = format!("GET {path} HTTP/1.1\r\nHost: LocalHost:{}\r\n\r\n", server.port());
        assert_ne!(raw_status(&server, &local), "HTTP/1.1 403 Forbidden", "{path}");
    }
    assert_eq!(raw_status(&server, "GET / HTTP/1.0\r\n\r\n"), "HTTP/1.0 200 OK", "no Host: not from a browser");
}

#[test]
fn an_edited_stylesheet_is_linked_under_its_new_name_at_once() {
    let site = Fixture::base();
    let server = Server::start(&site, 0);
    let linked = |server: &Server| {
        let page = server.get("en/statements/sample/").2;
        let start = page.find("<link rel=\"stylesheet\" href=\"").expect("a stylesheet") + 29;
        page[start..].split('"').next().unwrap_or_default().to_owned()
    };
    let first = linked(&server);
    assert_eq!(server.get(first.trim_start_matches('/')).1, "text/css; charset=utf-8");
    let css = site.root().join("themes/default/static/style.css");
    std::fs::create_dir_all(css.parent().expect("a folder")).expect("themes folder");
    std::fs::write(&css, "body { color: #222; }\n").expect("write the stylesheet");
    let started = Instant::now();
    while linked(&server) == first && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let second = linked(&server);
    assert_ne!(second, first, "the page still links the old stylesheet");
    assert_eq!(server.get(second.trim_start_matches('/')).2, "body { color: #222; }\n");
    assert_eq!(server.get(first.trim_start_matches('/')).0, 404, "the old name is gone");
}
