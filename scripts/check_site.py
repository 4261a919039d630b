#!/usr/bin/env python3
"""Reads a built site with clients independent of ours.

Every RSS and Atom feed through Python's feedparser (no bozo; every entry with title,
link, id and date), every JSON Feed against the 1.1 required fields, every signatories.csv
through Python's csv module, and every XML file through `xmllint --noout`.

Usage: check_site.py PUBLIC_DIR
"""

import csv
import json
import pathlib
import subprocess
import sys

import feedparser


def main() -> int:
    public = pathlib.Path(sys.argv[1])
    problems: list[str] = []
    counts = {"rss/atom": 0, "json": 0, "csv": 0, "xml": 0}

    for path in sorted(public.rglob("*.xml")):
        counts["xml"] += 1
        result = subprocess.run(["xmllint", "--noout", str(path)], capture_output=True, text=True)
        if result.returncode != 0:
            problems.append(f"{path}: not well-formed XML:\n{result.stderr}")
        if path.name in ("feed.xml", "atom.xml"):
            counts["rss/atom"] += 1
            feed = feedparser.parse(path.read_bytes())
            if feed.bozo:
                problems.append(f"{path}: feedparser: {feed.bozo_exception}")
            # A language's own feed must carry statements; a topic's or a signer's may be
            # empty in a language none of its statements is written in.
            if not feed.entries and path.parent.parent == public:
                problems.append(f"{path}: no entries")
            for i, entry in enumerate(feed.entries):
                for key in ("title", "link", "id"):
                    if not entry.get(key):
                        problems.append(f"{path}: entry {i} has no {key}")
                if not (entry.get("published_parsed") or entry.get("updated_parsed")):
                    problems.append(f"{path}: entry {i} has no date")

    for path in sorted(public.rglob("feed.json")):
        counts["json"] += 1
        feed = json.loads(path.read_text(encoding="utf-8"))
        if feed.get("version") != "https://jsonfeed.org/version/1.1":
            problems.append(f"{path}: version is {feed.get('version')!r}")
        if not isinstance(feed.get("title"), str) or not isinstance(feed.get("items"), list):
            problems.append(f"{path}: title and items are required")
        for i, item in enumerate(feed.get("items", [])):
            if not isinstance(item.get("id"), str):
                problems.append(f"{path}: item {i} has no string id")
            if not (isinstance(item.get("content_html"), str) or isinstance(item.get("content_text"), str)):
                problems.append(f"{path}: item {i} has no content_html or content_text")

    for path in sorted(public.rglob("signatories.csv")):
        counts["csv"] += 1
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f, strict=True))
        if rows[0] != ["id", "name", "kind", "country", "url", "since"]:
            problems.append(f"{path}: header is {rows[0]}")
        for row in rows[1:]:
            if len(row) != 6:
                problems.append(f"{path}: row of {len(row)} cells: {row}")
            if any(cell[:1] in ("=", "+", "-", "@") for cell in row):
                problems.append(f"{path}: a cell a spreadsheet would evaluate: {row}")

    for problem in problems:
        print(problem, file=sys.stderr)
    summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    print(f"check_site: read {summary} files")
    failed = len({p.split(":", 1)[0] for p in problems})
    print(f"check_site: {sum(counts.values()) - failed} passed, {failed} failed")
    if counts["rss/atom"] == 0 or counts["csv"] == 0:
        print("check_site: nothing to check: is this a built site?", file=sys.stderr)
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
