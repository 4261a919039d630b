#!/usr/bin/env bash
# Times `undersigned build` against Hugo and against the floor, on the generated corpus.
#
#     bench/run.sh [N_STATEMENTS ...]        (default: 1000 5000; env ROUNDS, default 5)
#
# For each N: generates bench/out/corpus-N and its Hugo twin bench/out/hugo-N (seed 1) unless
# they are there; installs Hugo and GNU time from Debian if missing; builds bench/floor if
# needed; runs each tool once untimed (so that every timed run replaces an existing output
# tree), then ROUNDS interleaved rounds of: our build, Hugo, the floor, `undersigned check`,
# then ROUNDS rounds of a first build (`cold`: its output and kept previous site removed,
# untimed, just before), each under /usr/bin/time after a `sync`. Prints a markdown table per N and writes it to
# bench/out/results-N.md, and all of them with the machine to bench/out/results.md.
# Raw timings: bench/out/times-N.tsv; each tool's output: bench/out/logs/.
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
say "timing $BIN_INFO"
[ -x /usr/bin/time ] || apt_install time
command -v hugo >/dev/null || apt_install hugo
HUGO_VERSION=$(hugo version | head -1)

if [ ! -x "$FLOOR" ] || [ -n "$(find "$FLOOR_DIR/src" "$FLOOR_DIR/Cargo.toml" -newer "$FLOOR" 2>/dev/null)" ]; then
    say "building the floor (bench/floor)"
    (cd "$FLOOR_DIR" && nice -n 19 cargo build --release -j 1 --quiet) >&2
fi

mkdir -p "$OUT/logs"
ABS_OUT=$(cd "$OUT" && pwd)

# files and bytes under a folder: "FILES BYTES"
tree_size() { find "$1" -type f -printf '%s\n' | awk '{ n++; b += $1 } END { print n + 0, b + 0 }'; }

# statement pages: <lang>/<section>/<slug>/index.html, section statements or declaraciones
# (Hugo uses statements in both languages); section lists and pagination are not counted.
statement_pages() {
    find "$1" -mindepth 4 -maxdepth 4 -name index.html \
        \( -path "$1/*/statements/*" -o -path "$1/*/declaraciones/*" \) | wc -l
}

# The command line of TOOL, into the array CMD ($n, $files and $bytes must be set).
set_cmd() {
    case $1 in
        ours) CMD=("$BIN" build --root "$OUT/corpus-$n" --output "$OUT/public-ours-$n") ;;
        cold) CMD=("$BIN" build --root "$OUT/corpus-$n" --output "$OUT/public-cold-$n") ;;
        hugo) CMD=(hugo --source "$OUT/hugo-$n" --destination "$ABS_OUT/public-hugo-$n" --quiet) ;;
        floor) CMD=("$FLOOR" "$OUT/corpus-$n" "$OUT/public-floor-$n" "$files" "$bytes") ;;
        check) CMD=("$BIN" check --root "$OUT/corpus-$n") ;;
    esac
}

# A first build (`cold`) has nothing to keep files from: its output is removed, untimed,
# just before each of its runs. Deleting a large tree makes new files costly on ext4 for a
# while after, so its rounds come after the interleaved rounds of the other tools, not
# among them: the deletions would slow whichever tool wrote next (the floor most).
forget_cold() { rm -rf "$OUT/public-cold-$n" "$OUT/.public-cold-$n.previous"; }

# run TOOL ROUND: round 0 is the untimed warm-up
run() {
    local tool=$1 round=$2
    local log="$OUT/logs/$tool-$n-$round.log" tfile="$OUT/logs/.time"
    set_cmd "$tool"
    if [ "$round" = 0 ]; then
        "${CMD[@]}" >"$log" 2>&1 || die "$tool failed (warm-up), see $log"
        return
    fi
    if [ "$tool" = cold ]; then forget_cold; fi
    sync # so that no tool pays for writing back what the previous one wrote
    if ! /usr/bin/time -f '%e %U %S %M' -o "$tfile" "${CMD[@]}" >"$log" 2>&1; then
        die "$tool failed in round $round, see $log"
    fi
    read -r wall user sys rss <"$tfile"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$round" "$wall" "$user" "$sys" "$rss" >>"$tsv"
    say "  $tool: ${wall} s wall, ${user} s user, ${sys} s sys, $((rss / 1024)) MiB"
}

CPU_MODEL=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
MACHINE="$(nproc) CPUs ($CPU_MODEL), Linux $(uname -r), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM"

for n in "$@"; do
    ensure_corpus "$n"
    tsv="$OUT/times-$n.tsv"
    : >"$tsv"
    load_before=$(cut -d' ' -f1-3 /proc/loadavg)
    say "N=$n: warm-up (untimed)"
    run ours 0
    read -r files bytes < <(tree_size "$OUT/public-ours-$n")
    run hugo 0
    run floor 0
    run check 0
    for round in $(seq 1 "$ROUNDS"); do
        say "N=$n: round $round of $ROUNDS"
        for tool in ours hugo floor check; do run "$tool" "$round"; done
    done
    for round in $(seq 1 "$ROUNDS"); do
        say "N=$n: first build, round $round of $ROUNDS"
        run cold "$round"
    done
    load_after=$(cut -d' ' -f1-3 /proc/loadavg)

    read -r ours_files ours_bytes < <(tree_size "$OUT/public-ours-$n")
    read -r floor_files floor_bytes < <(tree_size "$OUT/public-floor-$n")
    read -r hugo_files hugo_bytes < <(tree_size "$OUT/public-hugo-$n")
    ours_pages=$(statement_pages "$OUT/public-ours-$n")
    hugo_pages=$(statement_pages "$OUT/public-hugo-$n")
    # Warnings and errors the tools printed in the timed rounds (the runs all succeeded).
    hugo_msgs=$(cat "$OUT"/logs/hugo-"$n"-[1-9]*.log | grep -ciE 'warn|error' || true)
    ours_msgs=$(cat "$OUT"/logs/ours-"$n"-[1-9]*.log | grep -ci 'warning' || true)
    check_msgs=$(cat "$OUT"/logs/check-"$n"-[1-9]*.log | grep -ci 'warning' || true)

    python3 - "$tsv" "$OUT/results-$n.md" <<EOF
import statistics, sys
from collections import defaultdict

rows = defaultdict(list)
for line in open(sys.argv[1]):
    tool, _round, wall, user, sys_s, rss = line.split("\t")
    rows[tool].append((float(wall), float(user), float(sys_s), int(rss)))

ours_pages, hugo_pages = $ours_pages, $hugo_pages
TOOLS = ("ours", "hugo", "floor", "check", "cold")
pages = {tool: ours_pages for tool in TOOLS}
pages["hugo"] = hugo_pages
names = {
    "ours": "undersigned build",
    "hugo": "hugo",
    "floor": "floor",
    "check": "undersigned check",
    "cold": "undersigned build, first (no previous output)",
}
med = {}
for tool in TOOLS:
    r = rows[tool]
    wall = statistics.median(x[0] for x in r)
    user = statistics.median(x[1] for x in r)
    sys_ = statistics.median(x[2] for x in r)
    cpu = statistics.median(x[1] + x[2] for x in r)
    rss = max(x[3] for x in r) / 1024
    med[tool] = dict(wall=wall, user=user, sys=sys_, cpu=cpu, rss=rss, pps=pages[tool] / wall)

def fmt_pages(tool):
    return str(pages[tool]) if tool in ("ours", "hugo", "cold") else f"({pages[tool]})"

out = []
out.append("### $n statements")
out.append("")
out.append(
    f"Measured $(date -u '+%Y-%m-%d %H:%M UTC'), $ROUNDS interleaved rounds after one untimed "
    f"warm-up, then $ROUNDS rounds of a first build into an emptied folder; load average $load_before before, $load_after after. "
    f"Our output: $ours_files files, $ours_bytes bytes; floor: $floor_files files, "
    f"$floor_bytes bytes; Hugo: $hugo_files files, $hugo_bytes bytes."
)
out.append("")
out.append("| tool | median wall s | median user s | median sys s | median CPU (user+sys) s "
           "| peak RSS MiB | statement pages | pages/s |")
out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for tool in TOOLS:
    m = med[tool]
    out.append(
        f"| {names[tool]} | {m['wall']:.2f} | {m['user']:.2f} | {m['sys']:.2f} | {m['cpu']:.2f} "
        f"| {m['rss']:.0f} | {fmt_pages(tool)} | {m['pps']:.0f} |"
    )
o, h, f, c, k = med["ours"], med["hugo"], med["floor"], med["check"], med["cold"]
out.append("")
out.append(
    f"- ours vs Hugo: pages/s ×{o['pps'] / h['pps']:.2f} (above 1: ours is faster), "
    f"CPU ×{o['cpu'] / h['cpu']:.2f}, peak RSS ×{o['rss'] / h['rss']:.2f} (below 1: ours uses less)"
)
out.append(f"- ours vs floor: wall ×{o['wall'] / f['wall']:.2f} (how far above the unavoidable cost)")
out.append(
    f"- a first build (nothing to keep from a previous output) vs Hugo: pages/s ×{k['pps'] / h['pps']:.2f}, "
    f"CPU ×{k['cpu'] / h['cpu']:.2f}, peak RSS ×{k['rss'] / h['rss']:.2f}; vs floor: wall ×{k['wall'] / f['wall']:.2f}"
)
out.append(f"- check vs build: wall ×{c['wall'] / o['wall']:.2f}")
out.append(
    "- pages in parentheses are our build's, used for the floor's and check's pages/s; "
    "peak RSS is the largest of the rounds, the other columns are medians"
)
notes = []
if ($floor_files, $floor_bytes) != ($ours_files, $ours_bytes):
    notes.append("the floor's output does not match ours in files and bytes")
if $hugo_msgs:
    notes.append("Hugo printed $hugo_msgs warning or error lines (see bench/out/logs/hugo-$n-*.log)")
if $ours_msgs or $check_msgs:
    notes.append("build printed $ours_msgs and check $check_msgs warning lines in the timed rounds "
                 "(see bench/out/logs/)")
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
    printf -- '- floor: bench/floor (pulldown-cmark, rayon)\n\n'
    for f in $(ls "$OUT"/results-*.md 2>/dev/null | sort -t- -k2 -n); do
        cat "$f"
        printf '\n'
    done
} >"$OUT/results.md"
say "results: $OUT/results.md"
