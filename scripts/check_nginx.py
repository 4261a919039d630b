#!/usr/bin/env python3
"""Runs deploy/nginx.conf in a real nginx over the example site, and checks what it answers.

The example site is built with `precompress: true` into target/nginx-check/public; nginx
runs as the current user on 127.0.0.1 at a free port, with its pid, logs and temporary
files under target/nginx-check/, from a small main configuration that includes the
checked-in server block (only its `listen` and `root` changed). Checked, with urllib:

- Content-Type of a page, the stylesheet, each kind of feed (RSS, Atom, JSON Feed), CSV,
  JSON, the sitemap and robots.txt;
- a missing page: status 404 and the theme's 404 page;
- `Accept-Encoding: gzip` gets the precompressed file (`Content-Encoding: gzip`), which
  decompresses to the page; without it, the page itself;
- the security headers of `_headers` on every answer, the 404 included; a year of caching
  (`immutable`) for the hashed stylesheet and not for pages;
- a folder without its slash is redirected; hidden files are not served.

Usage: check_nginx.py UNDERSIGNED_BINARY   (run from the repository's root; needs nginx)
"""

import gzip
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "nginx-check"


def fail(message: str) -> None:
    print(f"check_nginx: {message}", file=sys.stderr)
    sys.exit(1)


def build_site(binary: str) -> pathlib.Path:
    """The example site with `precompress: true`, built into WORK/public."""
    site = WORK / "site"
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    for name in ["content", "static", "themes"]:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, site / name)
    shutil.copy(ROOT / "signatories.yaml", site / "signatories.yaml")
    (site / "site.yaml").write_text((ROOT / "site.yaml").read_text() + "precompress: true\n")
    public = WORK / "public"
    subprocess.run([binary, "build", "--root", str(site), "--output", str(public)], check=True)
    return public


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main_config(public: pathlib.Path, port: int) -> pathlib.Path:
    """A main configuration around the checked-in server block."""
    server = (ROOT / "deploy" / "nginx.conf").read_text()
    server, listens = re.subn(r"(?m)^(\s*)listen 80;$", rf"\1listen 127.0.0.1:{port};", server)
    server, roots = re.subn(r"(?m)^(\s*)root [^;]+;$", lambda m: f"{m.group(1)}root {public};", server)
    if (listens, roots) != (1, 1):
        fail(f"deploy/nginx.conf: expected one `listen 80;` and one `root …;`, found {listens} and {roots}")
    (WORK / "server.conf").write_text(server)
    for folder in ["logs", "temp"]:
        (WORK / folder).mkdir(exist_ok=True)
    # As root, nginx would hand the work to `nobody`: keep it the current user.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    temp = "".join(f"    {kind}_temp_path {WORK}/temp/{kind};\n" for kind in ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"])
    main = WORK / "nginx.conf"
    main.write_text(
        f"{user}worker_processes 1;\npid {WORK}/nginx.pid;\nerror_log {WORK}/logs/error.log;\n"
        "events { worker_connections 64; }\n"
        f"http {{\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
        f"    access_log {WORK}/logs/access.log;\n{temp}    include {WORK}/server.conf;\n}}\n"
    )
    return main


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
    try:
        with OPENER.open(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def headers_rules(public: pathlib.Path) -> dict:
    """The headers `_headers` gives every path (`/*`)."""
    rules, path = {}, None
    for line in (public / "_headers").read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line.startswith("  "):
            name, value = line.strip().split(": ", 1)
            rules.setdefault(path, {})[name.lower()] = value
        else:
            path = line
    return rules["/*"]


def check(port: int, public: pathlib.Path) -> list[str]:
    problems = []
    security = headers_rules(public)

    def expect(path: str, status: int, content_type: str | None, headers: dict | None = None) -> tuple[dict, bytes]:
        code, got, body = get(port, path, headers)
        if code != status:
            problems.append(f"{path}: status {code}, expected {status}")
        if content_type and got.get("content-type") != content_type:
            problems.append(f"{path}: Content-Type {got.get('content-type')!r}, expected {content_type!r}")
        for name, value in security.items():
            if got.get(name) != value:
                problems.append(f"{path}: {name} {got.get(name)!r}, expected {value!r}")
        return got, body

    home = (public / "en" / "index.html").read_text()
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', home).group(1)
    got, _ = expect("/en/", 200, "text/html; charset=utf-8")
    if "immutable" in got.get("cache-control", ""):
        problems.append(f"/en/: pages must not be cached for a year: {got.get('cache-control')}")
    got, body = expect(stylesheet, 200, "text/css; charset=utf-8")
    if got.get("cache-control") != "public, max-age=31536000, immutable":
        problems.append(f"{stylesheet}: Cache-Control {got.get('cache-control')!r}")
    if body != (public / stylesheet.lstrip("/")).read_bytes():
        problems.append(f"{stylesheet}: not the file")
    expect("/style.css", 200, "text/css; charset=utf-8")

    feeds = {"feed.xml": "application/rss+xml", "atom.xml": "application/atom+xml", "feed.json": "application/feed+json"}
    files = sorted(p.relative_to(public).as_posix() for p in public.rglob("*") if p.is_file())
    for name, kind in feeds.items():
        # The language's, a topic's and a signer's feed of that kind, where there is one.
        for pattern in [rf"^en/{re.escape(name)}$", rf"^en/topics/[^/]+/{re.escape(name)}$", rf"^en/signatories/[^/]+/{re.escape(name)}$"]:
            found = next((f for f in files if re.match(pattern, f)), None)
            if found:
                expect(f"/{found}", 200, f"{kind}; charset=utf-8")
    csv = next(f for f in files if f.endswith("/signatories.csv"))
    expect(f"/{csv}", 200, "text/csv; charset=utf-8")
    json_file = next(f for f in files if f.endswith("/statement.json"))
    expect(f"/{json_file}", 200, "application/json; charset=utf-8")
    expect("/sitemap.xml", 200, "text/xml; charset=utf-8")
    expect("/robots.txt", 200, "text/plain; charset=utf-8")

    _, body = expect("/no/such/page/", 404, "text/html; charset=utf-8")
    if body != (public / "404.html").read_bytes():
        problems.append("/no/such/page/: not the theme's 404 page")

    page = "en/index.html"
    if not (public / f"{page}.gz").is_file():
        problems.append(f"{page}.gz: not written with precompress: true")
    got, body = expect("/en/", 200, "text/html; charset=utf-8", {"Accept-Encoding": "gzip"})
    if got.get("content-encoding") != "gzip" or gzip.decompress(body) != (public / page).read_bytes():
        problems.append(f"/en/ with Accept-Encoding gzip: Content-Encoding {got.get('content-encoding')!r}, or not the page")
    if got.get("content-length") != str((public / f"{page}.gz").stat().st_size):
        problems.append("/en/ with Accept-Encoding gzip: not the precompressed file")
    if "accept-encoding" not in got.get("vary", "").lower():
        problems.append(f"/en/ with Accept-Encoding gzip: Vary {got.get('vary')!r}")
    got, body = expect("/en/", 200, "text/html; charset=utf-8")
    if "content-encoding" in got or body != (public / page).read_bytes():
        problems.append("/en/ without Accept-Encoding: not the page as it is")
    got, _ = expect(stylesheet, 200, "text/css; charset=utf-8", {"Accept-Encoding": "gzip"})
    if got.get("content-encoding") != "gzip" or "immutable" not in got.get("cache-control", ""):
        problems.append(f"{stylesheet} with gzip: {got.get('content-encoding')!r}, {got.get('cache-control')!r}")

    got, _ = expect("/en/about", 301, None)
    if got.get("location") != "/en/about/":
        problems.append(f"/en/about: Location {got.get('location')!r}, expected /en/about/")
    (public / ".hidden").write_text("not for readers")
    expect("/.hidden", 404, None)
    return problems


def main() -> None:
    if len(sys.argv) != 2:
        fail("usage: check_nginx.py UNDERSIGNED_BINARY")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(nginx, os.X_OK):
        fail("nginx is not installed (scripts/install-test-deps installs nginx-light)")
    WORK.mkdir(parents=True, exist_ok=True)
    public = build_site(sys.argv[1])
    port = free_port()
    config = main_config(public, port)
    subprocess.run([nginx, "-t", "-q", "-p", str(WORK), "-c", str(config)], check=True)
    server = subprocess.Popen([nginx, "-p", str(WORK), "-c", str(config), "-g", "daemon off;"])
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None:
                    fail(f"nginx exited with {server.returncode}; see {WORK}/logs/error.log")
                time.sleep(0.05)
        problems = check(port, public)
    finally:
        server.terminate()
        server.wait(timeout=10)
    if problems:
        fail("deploy/nginx.conf:\n  " + "\n  ".join(problems))
    print(f"check_nginx: deploy/nginx.conf serves the example site as it should (nginx on 127.0.0.1:{port})")


if __name__ == "__main__":
    main()
