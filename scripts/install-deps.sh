#!/usr/bin/env bash
# Installs the Debian packages switchd needs to build, test and run its
# network examples.  Safe to run again: apt-get skips what is present.
set -euo pipefail
pkgs=(build-essential cmake pkg-config clang libclang-rt-14-dev
      clang-format  # scripts/check-format.sh
      libevent-dev libjansson-dev libpcap-dev check
      libbpf-dev bpftool llvm  # the kernel fast path (lib/datapath/bpf)
      iproute2 iputils-ping tcpdump iperf3 bridge-utils procps
      python3  # the daemon tests read JSON replies with it
      openvswitch-switch  # the reference OVS the comparison tests run (tests/common/ovs-ref.sh)
      groff-base  # test-man renders the man pages
      etcd-server etcd-client)  # swagent's store and etcdctl (tests/net/test-swagent.sh, examples/etcd-overlay.sh)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' \
        || missing+=("$p")
done
# --missing: only list what would be installed (one per line), so a
# caller can say what is about to happen before it happens.
if [ "${1:-}" = --missing ]; then
    printf '%s\n' "${missing[@]}"
    exit 0
fi
if [ "${#missing[@]}" -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
        --no-install-recommends "${missing[@]}"
fi
