//! `undersigned check`: what it adds to a build.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use crate::fixture::Fixture;

/// A server on 127.0.0.1 that answers 200 on `/ok` and 404 elsewhere; returns its address.
fn local_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let status = if request_line.split_whitespace().nth(1) == Some("/ok") { "200 OK" } else { "404 Not Found" };
            let mut stream = reader.into_inner();
            let _ = write!(stream, "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    address
}

#[test]
fn external_links_are_checked_only_when_asked() {
    let server = local_server();
    // Only links to the local server: CI has no internet.
    let registry = crate::fixture::base_file("signatories.yaml");
    let registry: String = registry.lines().filter(|l| !l.contains("url:")).map(|l| format!("{l}\n")).collect();
    let site = Fixture::base()
        .file("signatories.yaml", registry)
        .file(
            "content/statements/sample/en.md",
            format!("---\ntitle: T\n---\nSee [a]({server}/ok)\nand [b]({server}/missing).\n"),
        )
        .file("content/statements/sample/es.md", "---\ntitle: T\nslug: t\n---\nTexto.\n");
    let run = site.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = site.run(&["check", "--external", "--timeout", "5"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let broken = "content/statements/sample/en.md:5:9: ";
    let lines: Vec<&str> = run.stderr.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(lines[0].starts_with(broken), "{}", run.stderr);
    assert!(
        lines[0].ends_with(&format!("error: the link {server}/missing is broken: the server answered 404")),
        "{}",
        run.stderr
    );
}

#[test]
fn check_warns_about_signatories_who_signed_nothing() {
    let registry = crate::fixture::base_file("signatories.yaml");
    let site = Fixture::base().file(
        "signatories.yaml",
        format!("{registry}- id: idle-example\n  name: Idle Example\n  kind: organization\n  country: MX\n"),
    );
    let run = site.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .lines()
            .any(|l| l == "signatories.yaml:15:7: warning: the signatory `idle-example` has signed no statement"),
        "{}",
        run.stderr
    );
}
