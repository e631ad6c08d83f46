#!/usr/bin/env bash
# The tree is built in the layers lib/CMakeLists.txt states (layers.py
# says what it checks).  SW_BIN is the build's bin/; the object files to
# read for circles are in the build directory above it.
set -euo pipefail
src=${SW_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
build=$(cd "${SW_BIN:?set SW_BIN to the bin directory of a build}/.." && pwd)
command -v nm >/dev/null || { echo "FAIL: nm (binutils) not found" >&2; exit 1; }
exec python3 "$src/tests/tree/layers.py" "$build"
