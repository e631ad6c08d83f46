#!/usr/bin/env bash
# Installs the dependencies, builds the test configuration (AddressSanitizer
# and UBSan) in build-test/, and runs every test: unit, daemon and network.
# Network tests need root (namespaces, TAP, veth).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# The Release build is what examples/ and the benchmarks use; building it
# here keeps its -Werror (which sees other warnings at -O2) honest.
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
cmake -S . -B build-test -DSW_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-test -j"$(nproc)"
cd build-test
ctest --output-on-failure "$@"
