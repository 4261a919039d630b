#!/usr/bin/env bash
# Measures how long `undersigned serve` takes to rebuild after a one-statement edit.
#
#     bench/serve_rebuild.sh [N_STATEMENTS]      (default: 1000; env EDITS, default 15;
#                                                 POLL=1 adds --poll)
#
# Starts `UNDERSIGNED_TIMINGS=1 target/release/undersigned serve --root bench/out/corpus-N
# --port 0` (generating the corpus first if it is missing), waits for its "initial build"
# line, then EDITS times: appends a line to content/statements/s-00010/en.md, waits for the
# server's `… s-00010 changed: built P pages in T ms` line, records T, sleeps 0.3 s. Then
# restores the file, stops the server and prints the median and the 90th percentile
# (nearest rank) of T. The server's output is kept in bench/out/logs/serve-N.{out,err}.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

n=${1:-1000}
[[ $n =~ ^[1-9][0-9]*$ ]] || die "not a number of statements: $n"
(( n >= 10 )) || die "the corpus needs at least 10 statements (s-00010 is edited)"
EDITS=${EDITS:-15}
check_binary
snapshot_binary
say "timing $BIN_INFO"
ensure_corpus "$n"

root="$DATA/corpus-$n"
file="$root/content/statements/s-00010/en.md"
mkdir -p "$OUT/logs"
out_log="$OUT/logs/serve-$n.out"
err_log="$OUT/logs/serve-$n.err"
saved="$OUT/logs/.s-00010-en.md.orig"
cp "$file" "$saved"

poll=()
[ "${POLL:-}" = 1 ] && poll=(--poll)
UNDERSIGNED_TIMINGS=1 "$BIN" serve --root "$root" --port 0 "${poll[@]}" >"$out_log" 2>"$err_log" &
server=$!

cleanup() {
    cat "$saved" >"$file" # restore in place (same file, same inode)
    if kill -0 "$server" 2>/dev/null; then
        kill "$server"
        wait "$server" 2>/dev/null || true
    fi
}
trap cleanup EXIT

# wait_for PATTERN COUNT SECONDS: until the server's stdout has more than COUNT lines
# matching PATTERN; prints the last of them.
wait_for() {
    local pattern=$1 count=$2 deadline=$((SECONDS + $3))
    while :; do
        if [ "$(grep -cE "$pattern" "$out_log" || true)" -gt "$count" ]; then
            grep -E "$pattern" "$out_log" | tail -1
            return
        fi
        kill -0 "$server" 2>/dev/null || die "the server stopped; see $err_log"
        ((SECONDS < deadline)) || die "no line matching '$pattern' after $3 s; see $out_log"
        sleep 0.02
    done
}

say "serve on $n statements: waiting for the initial build"
wait_for 'initial build' 0 600 >&2

changed='s-00010 changed: built .* in [0-9]+ ms'
times=()
for i in $(seq 1 "$EDITS"); do
    before=$(grep -cE "$changed" "$out_log" || true)
    printf '\nEdit %d for the rebuild benchmark.\n' "$i" >>"$file"
    line=$(wait_for "$changed" "$before" 120)
    ms=$(sed -E 's/.* in ([0-9]+) ms.*/\1/' <<<"$line")
    times+=("$ms")
    say "  edit $i: $ms ms   ($line)"
    sleep 0.3
done

printf '%s\n' "${times[@]}" | python3 -c '
import math, statistics, sys
t = sorted(int(x) for x in sys.stdin)
p90 = t[math.ceil(0.9 * len(t)) - 1]
print(f"serve rebuild after a one-statement edit, {sys.argv[1]} statements, {len(t)} edits: "
      f"median {statistics.median(t):g} ms, p90 {p90} ms (min {t[0]}, max {t[-1]})")
' "$n"
