#!/usr/bin/env bash
# The differential test of the flow language, regenerated with the real
# Open vSwitch: tests/diff/flowgen.py makes the flows from the seed in
# tests/diff/flow-corpus.txt's header, tests/diff/ovs-verdicts.py gives each
# one to a private ovs-vswitchd (tests/common/ovs-ref.sh: own namespace,
# run directory and database, userspace datapath) with ovs-ofctl add-flow
# and dump-flows, and tests/diff/flow-diff checks our parser and printer
# against what OVS did.  The committed corpus must be exactly what this
# OVS says (SW_DIFF_UPDATE=1 rewrites it instead), and `swofctl parse-flow`
# itself is checked on a sample of the flows.
set -euo pipefail
: "${SW_BIN:?}" "${SW_SRC:?}"
DIFF="$SW_SRC/tests/diff"
CORPUS="$DIFF/flow-corpus.txt"
CHECKER="$SW_BIN/../tests/flow-diff"
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
[ -x "$CHECKER" ] || { echo "FAIL: $CHECKER not built"; exit 1; }

work=$(mktemp -d /tmp/flow-diff.XXXXXX)
trap 'rm -rf "$work"' EXIT # ovs_ref_start chains its own stop before it.

# shellcheck source=../common/ovs-ref.sh
. "$SW_SRC/tests/common/ovs-ref.sh"
ovs_ref_start
ovs_ref_add_br fz0

header=$(head -n 1 "$CORPUS")
seed=$(sed -n 's/.*seed=\([0-9]*\).*/\1/p' <<<"$header")
count=$(sed -n 's/.*count=\([0-9]*\).*/\1/p' <<<"$header")
[ -n "$seed" ] && [ -n "$count" ] || {
    echo "FAIL: $CORPUS has no 'seed=N count=N' header"; exit 1; }

python3 "$DIFF/flowgen.py" --seed "$seed" --count "$count" >"$work/flows"
version=$(ovs-ofctl --version | head -n 1)
{
    echo "# seed=$seed count=$count reference: $version, add-flow + dump-flows --no-stats"
    python3 "$DIFF/ovs-verdicts.py" "$work/flows" "$OVS_REF_DIR/fz0.mgmt"
} >"$work/corpus"

if ! cmp -s "$work/corpus" "$CORPUS"; then
    if [ "${SW_DIFF_UPDATE:-}" = 1 ]; then
        cp "$work/corpus" "$CORPUS"
        echo "updated $CORPUS"
    else
        echo "FAIL: OVS's verdicts differ from $CORPUS:"
        diff "$CORPUS" "$work/corpus" | head -n 40
        echo "(SW_DIFF_UPDATE=1 rewrites the corpus)"
        exit 1
    fi
fi

"$CHECKER" "$work/corpus" "$DIFF/known-differences.txt" -v --min-agree 97 \
    >"$work/report" || {
    grep -v '^  ' "$work/report" | grep -v '^same: ' | tail -n 30
    echo "FAIL: flow-diff"
    exit 1
}
tail -n 1 "$work/report"
sed -n 's/^same: //p' "$work/report" >"$work/same"

# The tool itself, on every 40th flow OVS accepted that the checker
# found equal: swofctl parse-flow prints exactly OVS's line.
n=0
checked=0
while IFS=$'\t' read -r kind flow want; do
    n=$((n + 1))
    [ "$kind" = ok ] && [ $((n % 40)) -eq 0 ] || continue
    # parse-flow shows the flags and importance it parsed, as ovs-ofctl's
    # parse-flow does; a dump (the reference here) does not.
    grep -qE 'send_flow_rem|check_overlap|reset_counts|no_(packet|byte)_counts|importance' <<<"$flow" && continue
    grep -qxF -- "$flow" "$work/same" || continue
    got=$("$SW_BIN/swofctl" parse-flow "$flow")
    if [ "$got" != "$want" ]; then
        echo "FAIL: swofctl parse-flow '$flow'"
        echo "  got:  $got"
        echo "  want: $want"
        exit 1
    fi
    checked=$((checked + 1))
done < <(tail -n +2 "$work/corpus")
[ "$checked" -gt 10 ] || { echo "FAIL: only $checked flows spot-checked"; exit 1; }
echo "PASS: swofctl parse-flow agrees on $checked sampled flows"
