#!/usr/bin/env python3
"""Checks what a reader meets as an archive grows, on a built site (standard library only).

- No HTML page over 300 KiB; no RSS or Atom feed with more than 50 entries.
- Every statement page is within 3 clicks of its language's home (`/<lang>/`), following
  the links of the pages themselves.
- Every topic page (`/<lang>/topics/<tag>/`) has its RSS and Atom feeds, announced in its
  head; every signer page has its Atom feed, announced in its head.
- Every statement page's `og:image` is a file of the site; a share card (`card.png`) is a
  PNG of 1200 x 630 under 300 KiB.

Usage: check_readers.py PUBLIC_DIR [BASE_PATH]   (BASE_PATH: the site's root path, default /)
"""

import html.parser
import pathlib
import re
import struct
import sys
import urllib.parse
from collections import deque

MAX_PAGE = 300 * 1024
MAX_CARD = 300 * 1024
MAX_ENTRIES = 50
CLICKS = 3


class Links(html.parser.HTMLParser):
    """The `href` of every `<a>`, and the feeds a page's head announces."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.feeds: list[str] = []
        self.og_image: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "link" and a.get("rel") == "alternate" and "xml" in (a.get("type") or ""):
            self.feeds.append(a.get("href") or "")
        if tag == "meta" and a.get("property") == "og:image":
            self.og_image = a.get("content")


def image_problem(public: pathlib.Path, root: str, url: str | None) -> str | None:
    """What is wrong with a statement page's `og:image`, if anything."""
    if not url:
        return "no og:image"
    path = urllib.parse.urlsplit(url).path
    if not path.startswith(root):
        return f"og:image {url} is not on this site"
    file = public / urllib.parse.unquote(path[len(root):])
    if not file.is_file():
        return f"og:image {url}: no such file"
    if file.name != "card.png":
        return None
    data = file.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return f"{file}: not a PNG"
    size = struct.unpack(">II", data[16:24])
    if size != (1200, 630):
        return f"{file}: {size[0]} x {size[1]}, not 1200 x 630"
    if len(data) > MAX_CARD:
        return f"{file}: {len(data)} bytes, over {MAX_CARD}"
    return None


def page_of(public: pathlib.Path, root: str, href: str) -> pathlib.Path | None:
    """The file a site-absolute link leads to, if it is a page of this site."""
    href = href.split("#")[0].split("?")[0]
    if not href.startswith(root):
        return None
    rel = href[len(root):]
    path = public / rel
    if href.endswith("/"):
        path = path / "index.html"
    return path if path.suffix == ".html" and path.is_file() else None


def main() -> int:
    public = pathlib.Path(sys.argv[1])
    root = sys.argv[2] if len(sys.argv) > 2 else "/"
    problems: list[str] = []
    parsed: dict[pathlib.Path, Links] = {}

    def links(path: pathlib.Path) -> Links:
        if path not in parsed:
            p = Links()
            p.feed(path.read_text(encoding="utf-8"))
            parsed[path] = p
        return parsed[path]

    pages = sorted(public.rglob("*.html"))
    largest = max(pages, key=lambda p: p.stat().st_size)
    for page in pages:
        if page.stat().st_size > MAX_PAGE:
            problems.append(f"{page}: {page.stat().st_size} bytes, over {MAX_PAGE}")
    for feed in sorted(public.rglob("*.xml")):
        if feed.name in ("feed.xml", "atom.xml"):
            entries = len(re.findall(rb"<(?:item|entry)>", feed.read_bytes()))
            if entries > MAX_ENTRIES:
                problems.append(f"{feed}: {entries} entries, over {MAX_ENTRIES}")

    langs = [d.name for d in public.iterdir() if d.is_dir() and (d / "index.html").is_file()]
    statements = 0
    for lang in langs:
        home = public / lang / "index.html"
        depth = {home: 0}
        queue = deque([home])
        while queue:
            page = queue.popleft()
            if depth[page] == CLICKS:
                continue
            for href in links(page).links:
                target = page_of(public, root, href)
                if target and target not in depth:
                    depth[target] = depth[page] + 1
                    queue.append(target)
        for section in (public / lang).iterdir():
            # The statement folders: those whose pages hold a statement's data file.
            if not any(section.glob("*/statement.json")):
                continue
            for page in section.glob("*/index.html"):
                # A notice page (a statement not translated) is not listed: the listings
                # link the original, which is checked in its own language.
                if not (page.parent / "statement.json").is_file():
                    continue
                statements += 1
                if page not in depth:
                    problems.append(f"{page}: more than {CLICKS} clicks from /{lang}/")
                problem = image_problem(public, root, links(page).og_image)
                if problem:
                    problems.append(f"{page}: {problem}")

        for topic in sorted((public / lang / "topics").glob("*/index.html")):
            feeds = links(topic).feeds
            for name in ("feed.xml", "atom.xml"):
                if not (topic.parent / name).is_file():
                    problems.append(f"{topic.parent}: no {name}")
                if not any(f.endswith(f"/topics/{topic.parent.name}/{name}") for f in feeds):
                    problems.append(f"{topic}: its {name} is not announced in its head")
        for signer in sorted((public / lang / "signatories").glob("*/index.html")):
            if (signer.parent / "statement.json").exists():
                continue
            if not (signer.parent / "atom.xml").is_file():
                problems.append(f"{signer.parent}: no atom.xml")
            if not any(f.endswith(f"/signatories/{signer.parent.name}/atom.xml") for f in links(signer).feeds):
                problems.append(f"{signer}: its atom.xml is not announced in its head")

    for problem in problems[:50]:
        print(problem, file=sys.stderr)
    if len(problems) > 50:
        print(f"… and {len(problems) - 50} more", file=sys.stderr)
    print(
        f"check_readers: {len(pages)} pages (largest {largest.relative_to(public)}, {largest.stat().st_size} bytes), "
        f"{statements} statement pages within {CLICKS} clicks and with their og:image checked, {len(problems)} problems"
    )
    if statements == 0:
        print("check_readers: no statement pages: is this a built site?", file=sys.stderr)
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
