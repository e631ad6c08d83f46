#!/usr/bin/env bash
# Installs the dependencies, builds the Release programs (build/), the
# libFuzzer targets (build-fuzz/) and the test configuration
# (AddressSanitizer and UBSan) in build-test/, and runs every test: unit,
# daemon, network and the fuzz corpora.
# Network tests need root (namespaces, TAP, veth).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# Every C file as .clang-format lays it out (STYLE.md rule 11).
bash scripts/check-format.sh
# The Release build is what examples/ and the benchmarks use; building it
# here keeps its -Werror (which sees other warnings at -O2) honest.
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
# The libFuzzer build (clang, its own warnings, -Werror) replays every
# corpus once (-runs=0 adds nothing to it): clang's UBSan checks things
# gcc's does not (pointer arithmetic on NULL).  The same corpora run
# again under gcc in ctest below; a fuzzing campaign is a matter of
# minutes per target (tests/fuzz/README.md).
CC=clang cmake -S . -B build-fuzz -DSW_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$(nproc)"
for corpus in tests/fuzz/corpus/*/; do
    target=$(basename "$corpus")
    if ! log=$(build-fuzz/bin/"$target" -runs=0 "$corpus" 2>&1); then
        printf '%s\n' "$log" | tail -40
        echo "FAIL: $target (clang build) on its corpus" >&2
        exit 1
    fi
    echo "clang replay of $target: $(printf '%s\n' "$log" | grep '^Done')"
done
cmake -S . -B build-test -DSW_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-test -j"$(nproc)"
cd build-test
ctest --output-on-failure "$@"
