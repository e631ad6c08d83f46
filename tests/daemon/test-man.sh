#!/bin/bash
# The man pages: built from docs/*.8.md at build time, installed by
# "cmake --install" under <prefix>/share/man/man8, and clean for groff
# (no warnings) with the sections a man page has.  Needs no daemon.
set -euo pipefail
: "${SW_BIN:?set SW_BIN to the bin directory of a build}"
: "${SW_SRC:?set SW_SRC to the source directory}"
command -v groff >/dev/null || { echo "SKIP: no groff"; exit 77; }
build=$(cd "$SW_BIN/.." && pwd)
dest=$(mktemp -d /tmp/sw-man.XXXXXX)
trap 'rm -rf "$dest"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

DESTDIR=$dest cmake --install "$build" --prefix /usr >"$dest/install.log" 2>&1 ||
    fail "cmake --install: $(cat "$dest/install.log")"
for page in switchd swctl swofctl; do
    f=$dest/usr/share/man/man8/$page.8
    [ -f "$f" ] || fail "$page.8 not installed (under $dest/usr/share/man/man8)"
    warnings=$(groff -man -ww -z "$f" 2>&1)
    [ -z "$warnings" ] || fail "$page.8: groff warns: $warnings"
    text=$(groff -man -Tascii -P-cbou "$f" 2>/dev/null)
    for section in NAME SYNOPSIS DESCRIPTION "SEE ALSO"; do
        grep -q "^$section\$" <<<"$text" || fail "$page.8 has no $section section"
    done
    grep -q "^ *$page - " <<<"$text" || fail "$page.8: NAME does not name $page"
    # The page says what the Markdown says (one line from each).
    first=$(sed -n '/^## NAME/,/^## /{/^[a-z]/p}' "$SW_SRC/docs/$page.8.md" | head -1)
    grep -qF "${first%% *}" <<<"$text" || fail "$page.8 lost its NAME text"
done
[ -f "$dest/usr/bin/swofctl" ] || fail "cmake --install did not install swofctl"
echo PASS
