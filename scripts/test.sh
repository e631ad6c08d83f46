#!/usr/bin/env bash
# Installs the dependencies, builds the Release programs (build/), the
# libFuzzer targets (build-fuzz/) and the test configuration
# (AddressSanitizer and UBSan) in build-test/, and runs every test: unit,
# daemon, network and the fuzz corpora.
# Network tests need root (namespaces, TAP, veth).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# The Release build is what examples/ and the benchmarks use; building it
# here keeps its -Werror (which sees other warnings at -O2) honest.
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
# The libFuzzer build (clang, its own warnings, -Werror) is built, not
# run: its corpora are replayed below under the test build, and a fuzzing
# campaign is a matter of minutes per target (tests/fuzz/README.md).
CC=clang cmake -S . -B build-fuzz -DSW_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$(nproc)"
cmake -S . -B build-test -DSW_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-test -j"$(nproc)"
cd build-test
ctest --output-on-failure "$@"
