# shellcheck shell=bash
# examples/lib.sh: what every example does before its first command.
#
#   set -euo pipefail
#   . "$(dirname "$0")/lib.sh"
#   example_init              # root check, build if needed, topo_init
#   say "a heading"
#   example_each_host topo_article_bridges
#
# The programs are those in $SW_BIN if set, else build/bin, built (Release)
# on the first run, as README.md promises.  topology.sh brings
# tests/net/lib.sh: a unique name prefix and cleanup of every namespace and
# daemon on exit, failure, Ctrl-C or kill.

EXAMPLE_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# shellcheck source=../tests/net/topology.sh
. "$EXAMPLE_SRC/tests/net/topology.sh"

# example_step LOG WHAT CMD...: one line "WHAT... done" for a first-run
# step, with everything CMD prints (apt, dpkg, the compiler) in LOG; on
# failure the line says where LOG is and shows its last lines.
example_step() {
    local log=$1 what=$2
    shift 2
    printf '%s... ' "$what"
    if "$@" >>"$log" 2>&1; then
        echo done
        return 0
    fi
    echo failed
    echo "  details: $log (last lines below)" >&2
    tail -n 15 "$log" | sed 's/^/  | /' >&2
    exit 1
}

# example_init: refuses to run without root (exit 1: an example is not a
# test, nothing here is skipped), builds on the first run, then topo_init.
# The first run says what it does in one line per step; the output of apt
# and the build goes to build/first-run.log.
example_init() {
    local bin=${SW_BIN:-$EXAMPLE_SRC/build/bin} log missing n
    if [ "$(id -u)" -ne 0 ]; then
        echo "$(basename "$0"): run as root (it creates network namespaces)" >&2
        exit 1
    fi
    if [ ! -x "$bin/switchd" ] || [ ! -x "$bin/swctl" ] ||
        [ ! -x "$bin/swofctl" ] || [ ! -x "$bin/swagent" ]; then
        mkdir -p "$EXAMPLE_SRC/build"
        log=$EXAMPLE_SRC/build/first-run.log
        : >"$log"
        echo "== first run: building switchd (output in $log)"
        missing=$(bash "$EXAMPLE_SRC/scripts/install-deps.sh" --missing)
        n=$(printf '%s' "$missing" | grep -c . || true)
        if [ "$n" -gt 0 ]; then
            example_step "$log" "installing $n Debian packages ($(echo $missing))" \
                bash "$EXAMPLE_SRC/scripts/install-deps.sh"
        fi
        example_step "$log" "configuring (cmake, Release)" \
            cmake -S "$EXAMPLE_SRC" -B "$EXAMPLE_SRC/build" \
            -DCMAKE_BUILD_TYPE=Release
        example_step "$log" "building switchd, swctl, swofctl and swagent" \
            cmake --build "$EXAMPLE_SRC/build" -j"$(nproc)"
        bin=$EXAMPLE_SRC/build/bin
    fi
    export SW_BIN=$bin
    topo_init
}

say() { printf '\n== %s\n' "$*"; }

# example_each_host FN [ARGS...]: FN H SHOW ARGS on every host, with SHOW
# set so that only host 1's commands are printed, as the article shows
# one host's.
example_each_host() {
    local fn=$1 h
    shift
    for h in $(seq 1 "$TOPO_NHOSTS"); do
        "$fn" "$h" "$([ "$h" = 1 ] && echo echo || echo true)" "$@"
    done
}
