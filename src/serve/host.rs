//! Which `Host` the preview answers, against DNS rebinding.
//!
//! A web page the editor visits can point its own name at 127.0.0.1 and then read the
//! preview (embargoed statements included) as if it were its own site: the browser sees one
//! origin. What gives it away is the `Host` header, which a page cannot forge: it carries
//! the attacker's name. So the preview answers only names that cannot be rebound:
//!
//! - `localhost` and any `*.localhost` name (RFC 6761 reserves them for the loopback, and
//!   browsers resolve them without asking DNS), in any case, with or without a final dot;
//! - the IP literals `127.0.0.1` and `[::1]`, and the `--bind` address itself;
//! - when bound to every interface (`0.0.0.0` or `::`), any IP literal, since the machine's
//!   own addresses are then all legitimate and an IP literal is never rebound (a page can
//!   only reach an IP through its own name);
//! - the names given with `--allow-host` (a LAN name, a tunnel), compared without case.
//!
//! Any port is accepted. A request with no `Host` at all (HTTP/1.0) is answered: every
//! browser sends one, so it cannot come from a web page. Two `Host` headers, or a request
//! line whose address differs from its `Host`, are refused.

use std::net::{IpAddr, Ipv6Addr};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

/// The hosts the preview answers.
#[derive(Debug, Clone)]
pub struct HostPolicy {
    bind: IpAddr,
    names: Vec<String>,
}

impl HostPolicy {
    /// The policy of a server bound to `bind`, also answering `names` (`--allow-host`).
    pub fn new(bind: IpAddr, names: &[String]) -> Self {
        let names = names.iter().map(|n| normalize_name(n)).collect();
        Self { bind, names }
    }

    /// Whether a request whose `Host` header is `host` is answered.
    pub fn allows(&self, host: &str) -> bool {
        let Some(host) = split_port(host) else { return false };
        match host {
            Host::Ip(ip) => {
                self.bind.is_unspecified() || ip == self.bind || ip.is_loopback() && is_canonical_loopback(ip)
            }
            Host::Name(name) => {
                let name = normalize_name(name);
                name == "localhost" || name.ends_with(".localhost") || self.names.contains(&name)
            }
        }
    }
}

/// Middleware: answers 403 to a request for a host the policy does not allow.
pub async fn check(State(policy): State<HostPolicy>, request: Request, next: Next) -> Response {
    let mut hosts = request.headers().get_all(header::HOST).iter();
    let header = hosts.next();
    if hosts.next().is_some() {
        return forbidden("two Host headers");
    }
    let header = match header.map(HeaderValue::to_str) {
        None => None,
        Some(Ok(value)) => Some(value),
        Some(Err(_)) => return forbidden("a Host header that is not plain text"),
    };
    // A request line in absolute form (`GET http://name/ HTTP/1.1`) names a host too.
    let target = request.uri().authority().map(axum::http::uri::Authority::as_str);
    if let (Some(header), Some(target)) = (header, target)
        && !header.eq_ignore_ascii_case(target)
    {
        return forbidden("a request line and a Host header that name different hosts");
    }
    match header.or(target) {
        Some(host) if !policy.allows(host) => forbidden(&refusal(host)),
        _ => next.run(request).await,
    }
}

/// Why `host` is refused, and what would let it in.
fn refusal(host: &str) -> String {
    let bare = split_host(host);
    let hint = if bare.parse::<IpAddr>().is_ok() {
        "Other addresses of this machine are answered when it listens on all of them (`--bind 0.0.0.0`)".to_owned()
    } else {
        format!("To preview under this name, start it with `--allow-host {bare}`")
    };
    format!("the host `{host}`: it answers only localhost, 127.0.0.1, [::1] and its --bind address. {hint}")
}

enum Host<'a> {
    Ip(IpAddr),
    Name(&'a str),
}

/// `name[:port]` or `[v6][:port]` into the host; `None` if it is neither.
fn split_port(value: &str) -> Option<Host<'_>> {
    let valid_port = |port: &str| port.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = value.strip_prefix('[') {
        let (ip, after) = rest.split_once(']')?;
        let ok = after.is_empty() || after.strip_prefix(':').is_some_and(valid_port);
        return ok.then_some(()).and(ip.parse::<Ipv6Addr>().ok()).map(|ip| Host::Ip(IpAddr::V6(ip)));
    }
    let (host, port) = value.split_once(':').unwrap_or((value, ""));
    if !valid_port(port) || host.is_empty() {
        return None;
    }
    if let Ok(ip) = host.parse::<std::net::Ipv4Addr>() {
        return Some(Host::Ip(IpAddr::V4(ip)));
    }
    let name_ok = host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'));
    name_ok.then_some(Host::Name(host))
}

/// The host of a `Host` value without its port, for the hint in the refusal.
fn split_host(value: &str) -> &str {
    match value.strip_prefix('[') {
        Some(_) => value.split_once(']').map_or(value, |(h, _)| h).trim_start_matches('['),
        None => value.split_once(':').map_or(value, |(h, _)| h),
    }
}

/// Only 127.0.0.1 and ::1 themselves: the rest of 127.0.0.0/8 is not where a server bound
/// to 127.0.0.1 listens.
fn is_canonical_loopback(ip: IpAddr) -> bool {
    ip == IpAddr::from([127, 0, 0, 1]) || ip == IpAddr::V6(Ipv6Addr::LOCALHOST)
}

fn normalize_name(name: &str) -> String {
    name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase()
}

fn forbidden(what: &str) -> Response {
    let body = format!("403 Forbidden: this undersigned preview does not answer {what}.\n");
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::FORBIDDEN;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local() -> HostPolicy {
        HostPolicy::new(IpAddr::from([127, 0, 0, 1]), &[])
    }

    #[test]
    fn loopback_names_and_literals_are_answered_on_any_port_in_any_case() {
        let policy = local();
        for host in [
            "localhost",
            "localhost:1111",
            "LOCALHOST:1111",
            "LocalHost.",
            "localhost.:80",
            "preview.localhost:1111",
            "127.0.0.1",
            "127.0.0.1:1111",
            "[::1]",
            "[::1]:1111",
            "[0:0:0:0:0:0:0:1]:1111",
        ] {
            assert!(policy.allows(host), "{host} should be answered");
        }
    }

    #[test]
    fn other_names_and_odd_spellings_are_refused() {
        let policy = local();
        for host in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "evillocalhost",
            "localhost:1111@evil.example",
            "evil.example#localhost",
            "127.0.0.2",
            "127.1",
            "2130706433",
            "0x7f.0.0.1",
            "192.168.1.20",
            "[::ffff:127.0.0.1]",
            "[::1",
            "[::1]x",
            "localhost:http",
            "localhost:1:2",
            "",
            ":1111",
            "user@localhost",
        ] {
            assert!(!policy.allows(host), "{host} should be refused");
        }
    }

    #[test]
    fn the_bind_address_and_allowed_names_are_answered() {
        let policy = HostPolicy::new(IpAddr::from([192, 168, 1, 20]), &["Preview.Coalition.LAN".to_owned()]);
        assert!(policy.allows("192.168.1.20:1111"));
        assert!(policy.allows("preview.coalition.lan:1111"));
        assert!(policy.allows("localhost:1111"));
        assert!(!policy.allows("192.168.1.21:1111"));
        assert!(!policy.allows("coalition.lan"));
    }

    #[test]
    fn a_wildcard_bind_answers_every_ip_literal_but_no_other_name() {
        for bind in [IpAddr::from([0, 0, 0, 0]), IpAddr::V6(Ipv6Addr::UNSPECIFIED)] {
            let policy = HostPolicy::new(bind, &[]);
            assert!(policy.allows("192.168.1.20:1111"));
            assert!(policy.allows("0.0.0.0:1111"));
            assert!(policy.allows("[fe80::1]:1111"));
            assert!(!policy.allows("my-laptop.lan:1111"));
            assert!(!policy.allows("evil.example"));
        }
    }

    #[test]
    fn the_hint_names_the_host_without_its_port() {
        assert_eq!(split_host("evil.example:1111"), "evil.example");
        assert_eq!(split_host("[fe80::1]:1111"), "fe80::1");
        assert_eq!(split_host("evil.example"), "evil.example");
    }
}
