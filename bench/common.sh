# Shared by bench/run.sh and bench/serve_rebuild.sh (sourced, not run). Expects to be in
# the repository root.

BIN=target/release/undersigned
# Results, logs and the binary's copy stay in bench/out. Corpora and outputs go to DATA:
# bench/out too, or a folder on tmpfs with BENCH_TMPFS=1 (see bench/README.md).
OUT=bench/out
if [ "${BENCH_TMPFS:-0}" = 1 ]; then
    DATA=/dev/shm/undersigned-bench
    MEDIUM=tmpfs
else
    DATA=$OUT
    MEDIUM=disk
fi
FLOOR_DIR=bench/floor
FLOOR=$FLOOR_DIR/target/release/floor

say() { printf '%s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# The release binary must exist; it is never built here (build it yourself with
# `cargo build --release`). A binary older than a file under src/ is used anyway, with a warning.
check_binary() {
    [ -x "$BIN" ] || die "$BIN is missing: run 'cargo build --release' first"
    local newer
    newer=$(find src Cargo.toml Cargo.lock themes -newer "$BIN" -type f 2>/dev/null | head -3 | tr '\n' ' ')
    if [ -n "$newer" ]; then
        say "warning: $BIN is older than: $newer(results measure the binary as built)"
    fi
}

# Runs a copy of the binary from bench/out/bin, so that a rebuild of target/ during a run
# (another terminal's cargo) cannot mix two binaries in one set of results. BIN_INFO says
# which build it is.
snapshot_binary() {
    mkdir -p "$OUT/bin"
    cp "$BIN" "$OUT/bin/.undersigned.tmp"
    mv "$OUT/bin/.undersigned.tmp" "$OUT/bin/undersigned"
    BIN_INFO="$("$OUT/bin/undersigned" --version 2>/dev/null || echo undersigned), built $(date -u -r "$BIN" '+%Y-%m-%d %H:%M:%S UTC'), sha256 $(sha256sum "$OUT/bin/undersigned" | cut -c1-12)"
    BIN=$OUT/bin/undersigned
}

APT_UPDATED=
apt_install() { # PACKAGE...
    [ "$(id -u)" = 0 ] || die "need root to install $* (or install it yourself)"
    if [ -z "$APT_UPDATED" ]; then
        say "apt-get update"
        apt-get update -qq >&2
        APT_UPDATED=1
    fi
    say "apt-get install -y $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

# Generates DATA/corpus-N and DATA/hugo-N (seed 1) unless they are already there for this
# version of gen_corpus.py.
ensure_corpus() { # N
    local n=$1 stamp="$DATA/.corpus-$1.stamp" want
    want="seed 1, $(sha256sum bench/gen_corpus.py | cut -c1-16)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
        && [ -f "$DATA/corpus-$n/site.yaml" ] && [ -f "$DATA/hugo-$n/hugo.toml" ]; then
        return
    fi
    mkdir -p "$DATA"
    rm -f "$stamp"
    say "generating the corpus: $n statements"
    python3 bench/gen_corpus.py --statements "$n" --seed 1 --out "$DATA/corpus-$n" --hugo "$DATA/hugo-$n" >&2
    printf '%s\n' "$want" >"$stamp"
}

# Pagefind's command line, the version our search crate is (npm's `pagefind` ships the binary):
# installed into bench/out/tools with npm unless it is there. Sets PAGEFIND.
PAGEFIND_VERSION=1.6.0
ensure_pagefind() {
    local tools="$OUT/tools"
    PAGEFIND="$tools/node_modules/@pagefind/linux-x64/bin/pagefind_extended"
    if [ -x "$PAGEFIND" ] && [ "$("$PAGEFIND" --version 2>/dev/null)" = "pagefind $PAGEFIND_VERSION" ]; then
        return
    fi
    command -v npm >/dev/null || die "npm is needed to install Pagefind's command line"
    say "npm install pagefind@$PAGEFIND_VERSION (into $tools)"
    mkdir -p "$tools"
    npm install --silent --no-audit --no-fund --prefix "$tools" "pagefind@$PAGEFIND_VERSION" >&2
    [ -x "$PAGEFIND" ] || die "npm's pagefind package has no binary at $PAGEFIND"
}
