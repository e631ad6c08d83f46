#!/bin/bash
# swbench runs and reports consistent figures.  Timing is never asserted
# (benchmarks report, they do not pass or fail on speed); what is checked
# is that every benchmark runs to the end under the sanitizers, on tables
# big enough (5,000 learned MACs) for the batch prefetching, the learn
# hints and the huge-page rule slab to be used, and that the counts it
# prints agree: every MAC learned, no unicast flooded, the traffic mix
# adding up.
: "${SW_BIN:?SW_BIN must point at the directory holding swbench}"
set -euo pipefail

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# field LINE NAME: the value of NAME=... in LINE.
field() {
    sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"
}

sb=$SW_BIN/swbench
[ -x "$sb" ] || fail "$sb is missing"

out=$("$sb" pipeline --macs 5000 --packets 40000)
echo "$out"
[ "$(field "$out" learned)" = 5000 ] || fail "pipeline learned: $out"
[ "$(field "$out" ucast_flooded)" = 0 ] || fail "pipeline flooded: $out"
sum=$(($(field "$out" bcast) + $(field "$out" ucast) + $(field "$out" arrivals)))
[ "$sum" = 40000 ] || fail "pipeline mix adds up to $sum: $out"
# A broadcast leaves on both tunnels, a unicast on one, an arrival on
# the patch port.
outputs=$((2 * $(field "$out" bcast) + $(field "$out" ucast) + $(field "$out" arrivals)))
[ "$(field "$out" outputs)" = "$outputs" ] || fail "pipeline outputs: $out"

# One by one (ofproto_execute) gives the same counts as batches.
one=$("$sb" pipeline --macs 5000 --packets 40000 --batch 1)
for f in bcast ucast arrivals outputs ucast_flooded; do
    [ "$(field "$one" $f)" = "$(field "$out" $f)" ] ||
        fail "--batch 1 differs in $f: $one"
done

out=$("$sb" scaling --small 100 --large 5000 --rounds 2 --packets 20000)
echo "$out"
[ "$(field "$out" learned_small)" = 100 ] && [ "$(field "$out" learned_large)" = 5000 ] ||
    fail "scaling learned: $out"
[ "$(field "$out" ucast_flooded)" = 0 ] || fail "scaling flooded: $out"
ratio=$(field "$out" ratio)
[[ "$ratio" =~ ^[0-9]+\.[0-9]{3}$ ]] || fail "scaling ratio '$ratio': $out"

out=$("$sb" classifier --rules 5000 --lookups 20000 --batch 16)
echo "$out"
base=$("$sb" classifier --rules 5000 --lookups 20000 --batch 1)
# The checksum of the priorities found must not depend on batching.
[ "$(field "$out" hits)" = "$(field "$base" hits)" ] ||
    fail "classifier hits differ with --batch 16: $out / $base"

out=$("$sb" flowmod --flows 5000)
echo "$out"
[ "$(field "$out" added)" = 5000 ] || fail "flowmod added: $out"

# A learn storm: every new MAC learned, and every learned flow expired
# by the end of the timeline (none lost by the expiry wheel); at a flow
# limit, the table holds the limit and the rest was evicted.
out=$("$sb" storm --macs 5000 --seconds 5)
echo "$out"
[ "$(field "$out" learned)" = 5000 ] || fail "storm learned: $out"
[ "$(field "$out" expired)" = 5000 ] || fail "storm expired: $out"
out=$("$sb" storm --macs 5000 --seconds 5 --limit 1009)
echo "$out"
[ "$(field "$out" learned)" = 1000 ] || fail "storm at the limit learned: $out"
[ "$(field "$out" expired)" = 1000 ] || fail "storm at the limit expired: $out"

# Usage errors exit 2 and say what is wrong.
rc=0
err=$("$sb" pipeline --macs x 2>&1) || rc=$?
[ "$rc" = 2 ] && grep -q -- "--macs needs a number" <<<"$err" || fail "bad number: rc $rc, '$err'"
rc=0
err=$("$sb" warp 2>&1) || rc=$?
[ "$rc" = 2 ] && grep -q "unknown benchmark 'warp'" <<<"$err" || fail "unknown benchmark: rc $rc, '$err'"

echo PASS
