#!/usr/bin/env bash
# Fails, naming each file and the first lines that differ, when a C file
# of the tree is not laid out as .clang-format says.  Fix with
#   clang-format -i $(git ls-files '*.c' '*.h')
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || {
    echo "check-format: clang-format not found (apt-get install clang-format)" >&2
    exit 1
}
bad=0
while IFS= read -r f; do
    if ! out=$(clang-format --style=file "$f" | diff -u "$f" - ); then
        echo "check-format: $f is not formatted:" >&2
        printf '%s\n' "$out" | sed -n '3,12p' >&2
        bad=$((bad + 1))
    fi
done < <(git ls-files '*.c' '*.h')
if [ "$bad" -gt 0 ]; then
    echo "check-format: $bad file(s) differ from .clang-format" >&2
    exit 1
fi
echo "check-format: every C file follows .clang-format"
