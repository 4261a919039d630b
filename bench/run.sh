#!/usr/bin/env bash
# Times `undersigned build` against Hugo, Hugo followed by Pagefind's command line (what a Hugo
# site with search runs), and the floor, on the generated corpus: clean builds and rebuilds
# apart.
#
#     bench/run.sh [N_STATEMENTS ...]        (default: 1000 5000; env ROUNDS, default 5)
#     BENCH_TMPFS=1 bench/run.sh ...         (corpora and outputs on /dev/shm)
#
# For each N: generates the corpus DATA/corpus-N and its Hugo twin DATA/hugo-N (seed 1) unless
# they are there (DATA is bench/out, or /dev/shm/undersigned-bench with BENCH_TMPFS=1);
# installs Hugo and GNU time from Debian and Pagefind from npm if missing; builds bench/floor if
# needed; runs each tool once untimed, then
#   - ROUNDS interleaved rounds of rebuilds, each tool over its own previous output: our build,
#     Hugo, Hugo + Pagefind, the floor, `undersigned check`;
#   - ROUNDS interleaved rounds of clean builds, each tool's output (and our kept previous site)
#     removed, untimed, just before it runs: our build, Hugo, Hugo + Pagefind, the floor;
# each under /usr/bin/time after a `sync`. Prints a markdown table per N and writes it to
# bench/out/results-MEDIUM-N.md (MEDIUM: disk or tmpfs), and all of them with the machine to
# bench/out/results.md. Raw timings: bench/out/times-MEDIUM-N.tsv; each tool's output:
# bench/out/logs/.
#
# It never builds the main crate: build target/release/undersigned yourself first. It times a
# copy of it (bench/out/bin/undersigned), taken at the start.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

ROUNDS=${ROUNDS:-5}
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive whole number"
if [ $# -eq 0 ]; then set -- 1000 5000; fi
for n in "$@"; do [[ $n =~ ^[1-9][0-9]*$ ]] || die "not a number of statements: $n"; done

check_binary
snapshot_binary
say "timing $BIN_INFO; corpora and outputs on $MEDIUM ($DATA)"
[ -x /usr/bin/time ] || apt_install time
command -v hugo >/dev/null || apt_install hugo
HUGO_VERSION=$(hugo version | head -1)
ensure_pagefind
PAGEFIND_INFO=$("$PAGEFIND" --version)

if [ ! -x "$FLOOR" ] || [ -n "$(find "$FLOOR_DIR/src" "$FLOOR_DIR/Cargo.toml" -newer "$FLOOR" 2>/dev/null)" ]; then
    say "building the floor (bench/floor)"
    (cd "$FLOOR_DIR" && nice -n 19 cargo build --release -j 1 --quiet) >&2
fi

mkdir -p "$OUT/logs" "$DATA"
DATA=$(cd "$DATA" && pwd)

# files and bytes under a folder: "FILES BYTES"
tree_size() { find "$1" -type f -printf '%s\n' | awk '{ n++; b += $1 } END { print n + 0, b + 0 }'; }

# statement pages: <lang>/<section>/<slug>/index.html, section statements or declaraciones
# (Hugo uses statements in both languages); section lists and pagination are not counted.
statement_pages() {
    find "$1" -mindepth 4 -maxdepth 4 -name index.html \
        \( -path "$1/*/statements/*" -o -path "$1/*/declaraciones/*" \) | wc -l
}

# The command line of TOOL, into the array CMD ($n, $files and $bytes must be set). A clean
# build (TOOL-clean) runs the same command as the rebuild, into its own folder.
set_cmd() {
    local dest="$DATA/public-$1-$n"
    case ${1%-clean} in
        ours) CMD=("$BIN" build --root "$DATA/corpus-$n" --output "$dest") ;;
        hugo) CMD=(hugo --source "$DATA/hugo-$n" --destination "$dest" --quiet) ;;
        hugopf) CMD=(sh -c 'hugo --source "$1" --destination "$2" --quiet && "$3" --site "$2" --quiet' \
            hugopf "$DATA/hugo-$n" "$dest" "$PAGEFIND") ;;
        floor) CMD=("$FLOOR" "$DATA/corpus-$n" "$dest" "$files" "$bytes") ;;
        check) CMD=("$BIN" check --root "$DATA/corpus-$n") ;;
    esac
}

# Before each clean build: its output folder and what our build keeps beside it
# (.public-ours-clean-N.previous, .manifest, .lock) are removed, untimed.
forget() { rm -rf "$DATA/public-$1-$n" "$DATA/.public-$1-$n."*; }

# run TOOL ROUND: round 0 is the untimed warm-up
run() {
    local tool=$1 round=$2
    local log="$OUT/logs/$tool-$MEDIUM-$n-$round.log" tfile="$OUT/logs/.time"
    set_cmd "$tool"
    if [ "$round" = 0 ]; then
        "${CMD[@]}" >"$log" 2>&1 || die "$tool failed (warm-up), see $log"
        return
    fi
    case $tool in *-clean) forget "$tool" ;; esac
    sync # so that no tool pays for writing back what the previous one wrote
    if ! /usr/bin/time -f '%e %U %S %M' -o "$tfile" "${CMD[@]}" >"$log" 2>&1; then
        die "$tool failed in round $round, see $log"
    fi
    read -r wall user sys rss <"$tfile"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$round" "$wall" "$user" "$sys" "$rss" >>"$tsv"
    say "  $tool: ${wall} s wall, ${user} s user, ${sys} s sys, $((rss / 1024)) MiB"
}

REBUILDS=(ours hugo hugopf floor check)
CLEANS=(ours-clean hugo-clean hugopf-clean floor-clean)

CPU_MODEL=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
MACHINE="$(nproc) CPUs ($CPU_MODEL), Linux $(uname -r), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM"

for n in "$@"; do
    ensure_corpus "$n"
    tsv="$OUT/times-$MEDIUM-$n.tsv"
    : >"$tsv"
    load_before=$(cut -d' ' -f1-3 /proc/loadavg)
    say "N=$n: warm-up (untimed)"
    run ours 0
    read -r files bytes < <(tree_size "$DATA/public-ours-$n")
    for tool in hugo hugopf floor check; do run "$tool" 0; done
    for round in $(seq 1 "$ROUNDS"); do
        say "N=$n: rebuilds, round $round of $ROUNDS"
        for tool in "${REBUILDS[@]}"; do run "$tool" "$round"; done
    done
    for round in $(seq 1 "$ROUNDS"); do
        say "N=$n: clean builds, round $round of $ROUNDS"
        for tool in "${CLEANS[@]}"; do run "$tool" "$round"; done
    done
    load_after=$(cut -d' ' -f1-3 /proc/loadavg)

    read -r ours_files ours_bytes < <(tree_size "$DATA/public-ours-clean-$n")
    read -r floor_files floor_bytes < <(tree_size "$DATA/public-floor-clean-$n")
    read -r hugo_files hugo_bytes < <(tree_size "$DATA/public-hugo-clean-$n")
    read -r hugopf_files hugopf_bytes < <(tree_size "$DATA/public-hugopf-clean-$n")
    ours_pages=$(statement_pages "$DATA/public-ours-clean-$n")
    hugo_pages=$(statement_pages "$DATA/public-hugo-clean-$n")
    # Warnings and errors the tools printed in the timed rounds (the runs all succeeded).
    logs() { cat "$OUT"/logs/"$1"-"$MEDIUM"-"$n"-[1-9]*.log "$OUT"/logs/"$1"-clean-"$MEDIUM"-"$n"-[1-9]*.log 2>/dev/null; }
    hugo_msgs=$(logs hugo | grep -ciE 'warn|error' || true)
    hugopf_msgs=$(logs hugopf | grep -ciE 'warn|error' || true)
    ours_msgs=$(logs ours | grep -ci 'warning' || true)

    python3 - "$tsv" "$OUT/results-$MEDIUM-$n.md" <<EOF
import statistics, sys
from collections import defaultdict

rows = defaultdict(list)
for line in open(sys.argv[1]):
    tool, _round, wall, user, sys_s, rss = line.split("\t")
    rows[tool].append((float(wall), float(user), float(sys_s), int(rss)))

ours_pages, hugo_pages = $ours_pages, $hugo_pages
names = {
    "ours": "undersigned build",
    "hugo": "hugo",
    "hugopf": "hugo + pagefind",
    "floor": "floor",
    "check": "undersigned check",
}
med = {}
for tool, r in rows.items():
    base = tool.removesuffix("-clean")
    pages = hugo_pages if base in ("hugo", "hugopf") else ours_pages
    wall = statistics.median(x[0] for x in r)
    med[tool] = dict(
        wall=wall,
        user=statistics.median(x[1] for x in r),
        sys=statistics.median(x[2] for x in r),
        cpu=statistics.median(x[1] + x[2] for x in r),
        rss=max(x[3] for x in r) / 1024,
        pages=pages if base in ("ours", "hugo", "hugopf") else f"({pages})",
        pps=pages / wall,
    )

def table(title, tools):
    out = [f"#### {title}", "",
           "| tool | median wall s | median user s | median sys s | median CPU (user+sys) s "
           "| peak RSS MiB | statement pages | pages/s |",
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for tool in tools:
        m = med[tool]
        out.append(
            f"| {names[tool.removesuffix('-clean')]} | {m['wall']:.2f} | {m['user']:.2f} | {m['sys']:.2f} "
            f"| {m['cpu']:.2f} | {m['rss']:.0f} | {m['pages']} | {m['pps']:.0f} |"
        )
    return out

def versus(a, b, label):
    x, y = med[a], med[b]
    return (f"- {label}: pages/s ×{x['pps'] / y['pps']:.2f} (above 1: ours is faster), "
            f"CPU ×{x['cpu'] / y['cpu']:.2f}, peak RSS ×{x['rss'] / y['rss']:.2f} (below 1: ours uses less)")

def targets(a, b):
    x, y = med[a], med[b]
    pps, cpu, rss = x['pps'] / y['pps'], x['cpu'] / y['cpu'], x['rss'] / y['rss']
    ok = lambda good: "met" if good else "NOT MET"
    return (f"- targets against Hugo + Pagefind (issue #16): pages/s ≥ 2× {ok(pps >= 2)}, "
            f"CPU ≤ ⅓ {ok(cpu <= 1 / 3)}, peak RSS ≤ ¼ {ok(rss <= 1 / 4)}")

out = [f"### $n statements, outputs on $MEDIUM", ""]
out.append(
    f"Measured $(date -u '+%Y-%m-%d %H:%M UTC'), one untimed warm-up, then $ROUNDS interleaved "
    f"rounds of rebuilds and $ROUNDS of clean builds; load average $load_before before, "
    f"$load_after after. Output of a clean build: ours $ours_files files, $ours_bytes bytes; "
    f"floor $floor_files files, $floor_bytes bytes; Hugo $hugo_files files, $hugo_bytes bytes; "
    f"Hugo + Pagefind $hugopf_files files, $hugopf_bytes bytes."
)
out.append("")
out += table("Clean builds (output deleted first)", ["ours-clean", "hugo-clean", "hugopf-clean", "floor-clean"])
out.append("")
out.append(versus("ours-clean", "hugopf-clean", "ours vs Hugo + Pagefind"))
out.append(targets("ours-clean", "hugopf-clean"))
out.append(versus("ours-clean", "hugo-clean", "ours vs Hugo alone"))
out.append(f"- ours vs floor: wall ×{med['ours-clean']['wall'] / med['floor-clean']['wall']:.2f} (how far above the unavoidable cost)")
out.append("")
out += table("Rebuilds (over each tool's previous output, nothing changed)", ["ours", "hugo", "hugopf", "floor", "check"])
out.append("")
out.append(versus("ours", "hugopf", "ours vs Hugo + Pagefind"))
out.append(targets("ours", "hugopf"))
out.append(versus("ours", "hugo", "ours vs Hugo alone"))
out.append(f"- check vs build: wall ×{med['check']['wall'] / med['ours']['wall']:.2f}")
out.append(
    "- pages in parentheses are our build's, used for the floor's and check's pages/s; "
    "peak RSS is the largest of the rounds, the other columns are medians"
)
notes = []
if ($floor_files, $floor_bytes) != ($ours_files, $ours_bytes):
    notes.append("the floor's output does not match ours in files and bytes")
if $hugo_msgs or $hugopf_msgs:
    notes.append("Hugo or Pagefind printed $hugo_msgs and $hugopf_msgs warning or error lines (see bench/out/logs/)")
if $ours_msgs:
    notes.append("our build printed $ours_msgs warning lines in the timed rounds (see bench/out/logs/)")
for note in notes:
    out.append(f"- note: {note}")
text = "\n".join(out) + "\n"
open(sys.argv[2], "w").write(text)
print(text)
EOF
done

{
    printf '# Benchmark results\n\n'
    printf 'Written by bench/run.sh on %s.\n\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
    printf -- '- machine: %s\n' "$MACHINE"
    printf -- '- undersigned: %s\n' "$BIN_INFO"
    printf -- '- hugo: %s\n' "$HUGO_VERSION"
    printf -- '- pagefind: %s (npm)\n' "$PAGEFIND_INFO"
    printf -- '- floor: bench/floor (pulldown-cmark, rayon)\n\n'
    for f in $(ls "$OUT"/results-disk-*.md "$OUT"/results-tmpfs-*.md 2>/dev/null); do
        cat "$f"
        printf '\n'
    done
} >"$OUT/results.md"
say "results: $OUT/results.md"
