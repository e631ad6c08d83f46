#!/bin/bash
# kill -9 in the middle of swctl transactions, 20 times: a client runs
# transaction after transaction, each one bridge with a patch port and two
# columns (four changes that must land together), and the daemon is
# killed at a random moment and started again with the same database.
# Afterwards:
#   - every transaction the client was told succeeded is in the database
#     (the daemon replies only after the database reached the disk);
#   - no transaction is half there: every bridge that exists has its port,
#     its flow-limit and its fail mode (one that failed in the client may
#     or may not have landed, the kill may come between the save and the
#     reply, but never in part);
#   - the database always loads, and the saved flows always restore (an
#     atomic rename, never half a file).
source "$SW_SRC/tests/daemon/lib.sh"
ITER=20
start_switchd
log=$SWD_DIR/client.log
: >"$log"

# client FIRST: transactions FIRST, FIRST+1, ... until the daemon dies;
# logs "ok N" or "fail N" for each.
client() {
    local n=$1
    while :; do
        if swctl --timeout 5 add-br "b$n" -- add-port "b$n" "p$n" -- \
            set interface "p$n" type=patch "options:peer=q$n" -- \
            set bridge "b$n" "other_config:flow-limit=$((1000 + n))" -- \
            set-fail-mode "b$n" secure >/dev/null 2>&1; then
            echo "ok $n" >>"$log"
            swofctl add-flow "b$n" "table=1,cookie=$n,actions=drop" >/dev/null 2>&1 || true
        else
            echo "fail $n" >>"$log"
            return 0
        fi
        n=$((n + 1))
    done
}

next=1
for i in $(seq "$ITER"); do
    client "$next" &
    cpid=$!
    sleep "0.$((RANDOM % 5 + 1))$((RANDOM % 10))"
    kill -9 "$SWD_PID"
    wait "$SWD_PID" 2>/dev/null || true
    SWD_PID=""
    wait "$cpid" || true
    last=$(tail -n 1 "$log" | awk '{ print $2 }')
    next=$(( ${last:-$next} + 1 ))
    start_switchd
    if grep -q "saved flows not restored\|corrupt" "$SWD_DIR/switchd.log"; then
        fail "iteration $i: $(grep "not restored\|corrupt" "$SWD_DIR/switchd.log" | tail -1)"
    fi
done

# Told ok: there, whole.
n_ok=0
while read -r what n; do
    [ "$what" = ok ] || continue
    n_ok=$((n_ok + 1))
    swctl br-exists "b$n" || fail "transaction $n was acknowledged but b$n is gone"
done <"$log"
# Whatever exists is whole.
n_br=0
for br in $(swctl list-br); do
    n=${br#b}
    n_br=$((n_br + 1))
    [ "$(swctl list-ports "$br")" = "p$n" ] || fail "$br half applied: ports $(swctl list-ports "$br")"
    [ "$(swctl get bridge "$br" other_config:flow-limit)" = "\"$((1000 + n))\"" ] ||
        fail "$br half applied: flow-limit $(swctl get bridge "$br" other_config:flow-limit 2>&1)"
    [ "$(swctl get-fail-mode "$br")" = secure ] || fail "$br half applied: no fail mode"
done
n_fail=$(grep -c '^fail' "$log" || true)
echo "$ITER kills: $n_ok transactions acknowledged, $n_fail cut by the kill, $n_br bridges, all whole"
[ "$n_ok" -ge "$ITER" ] || fail "only $n_ok transactions went through: the test tested little"
echo PASS
