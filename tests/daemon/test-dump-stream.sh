#!/bin/bash
# Issue 16, large replies stream: dump-flows text, sorted or not, comes in
# pieces of about 64 KiB with the loop free in between, byte for byte what
# the one-piece reply holds; the client prints the pieces as they come; the daemon
# answers others while a slow client reads a long dump; a bridge removed
# during a dump ends it with an error.
source "$SW_SRC/tests/daemon/lib.sh"
start_switchd
swctl add-br br0 -- add-port br0 p1 -- set Interface p1 type=internal
N=50000
python3 -c "
for i in range($N):
    print('table=%d,priority=%d,ip,nw_src=10.%d.%d.%d,idle_timeout=3000 actions=output:p1'
          % (i % 3, i % 7, i >> 16, (i >> 8) & 255, i & 255))
" >"$SWD_DIR/flows.txt"
swofctl add-flows br0 "$SWD_DIR/flows.txt"

swofctl dump-flows br0 >"$SWD_DIR/streamed.txt"
swofctl dump-flows --no-stats --names br0 table=1 >"$SWD_DIR/streamed-names.txt"
swofctl dump-flows --rsort=nw_src --sort br0 >"$SWD_DIR/streamed-sorted.txt"
swofctl --format json dump-flows --sort=nw_src br0 >"$SWD_DIR/streamed.json"
swofctl --format json dump-flows br0 table=7 >"$SWD_DIR/streamed-empty.json"
[ "$(wc -l <"$SWD_DIR/streamed.txt")" = $((N + 2)) ] \
    || fail "streamed: $(wc -l <"$SWD_DIR/streamed.txt") lines"

in_ns timeout 120 python3 - "$SW_RUNDIR/switchd.sock" "$SWD_DIR" \
    "$SW_BIN/swctl" <<'PY'
import json, re, socket, subprocess, sys, time

def timeless(text):
    # Durations and ages move between two dumps; nothing else may.
    return re.sub(r"(duration=[0-9.]+s|idle_age=[0-9]+|hard_age=[0-9]+), ",
                  "", text)
path, d, swctl = sys.argv[1], sys.argv[2], sys.argv[3]

def check(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)

def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    s.connect(path)
    s.settimeout(60)
    return s

class Lines:
    def __init__(self, s):
        self.s, self.buf = s, b""
    def next(self, delay=0):
        while b"\n" not in self.buf:
            if delay:
                time.sleep(delay)
            chunk = self.s.recv(65536)
            check(chunk, "connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

def call(params, stream):
    s = conn()
    p = dict(params, text_only=True)
    if stream:
        p["stream"] = True
    s.sendall(json.dumps({"id": 9, "method": "dump-flows",
                          "params": p}).encode() + b"\n")
    return s, Lines(s)

# The one-piece reply and the pieces carry the same text.
# Sorted too: every table is collected and sorted in runs, a run per
# loop turn, before the first piece.
for params, f, header in (
        ({"bridge": "br0"}, "streamed.txt", True),
        ({"bridge": "br0", "stats": False, "names": True, "match": "table=1"},
         "streamed-names.txt", False),
        ({"bridge": "br0", "sort": [{"field": "nw_src", "reverse": True},
                                    {"field": "priority"}]},
         "streamed-sorted.txt", False)):
    s, r = call(params, False)
    whole = r.next()["result"]["text"]
    s.close()
    s, r = call(params, True)
    check(r.next() == {"id": 9, "result": {"stream": True}}, "stream header")
    pieces, n = [], 0
    while True:
        m = r.next()
        if "end" in m:
            break
        check(m["id"] == 9 and len(m["chunk"]) <= 80000, "piece %r" % m.keys())
        pieces.append(m["chunk"])
    s.close()
    check(timeless("".join(pieces)) == timeless(whole),
          "pieces differ from the whole")
    check(len(pieces) > 10, "only %d pieces" % len(pieces))
    check(m["end"]["n_flows"] == whole.count("\n") - header,
          "n_flows %r" % m)
    # swofctl printed exactly that.
    check(timeless(open(d + "/" + f).read()) == timeless(whole),
          "swofctl output differs")
    print("%s: %d pieces, %d bytes" % (f, len(pieces), len(whole)))

# --format json streams too, a flow per line, and swofctl prints the
# document the one-piece reply makes.
def steady(flows):
    for f in flows:
        for k in ("duration", "idle_age", "hard_age"):
            f.pop(k, None)
        f["text"] = timeless(f["text"])
    return flows
s = conn()
s.sendall(json.dumps({"id": 9, "method": "dump-flows", "params": {
    "bridge": "br0", "sort": [{"field": "nw_src"}]}}).encode() + b"\n")
m = Lines(s).next()
s.close()
whole = m["result"]["flows"]
del m
printed = json.load(open(d + "/streamed.json"))
check(list(printed) == ["flows"], "json keys %r" % list(printed))
check(steady(printed["flows"]) == steady(whole), "streamed json differs")
empty = open(d + "/streamed-empty.json").read()
check(empty == '{\n  "flows": []\n}\n', "empty json %r" % empty)
print("--format json: %d flows, as the one-piece reply" % len(whole))

# A slow reader does not hold the daemon: others are answered meanwhile.
s, r = call({"bridge": "br0"}, True)
r.next()
r.next(delay=0.05)
worst = 0
for _ in range(5):
    t = time.monotonic()
    out = subprocess.run([swctl, "list-br"], capture_output=True, text=True,
                         timeout=30)
    worst = max(worst, time.monotonic() - t)
    check(out.stdout == "br0\n", "swctl during a dump: %r" % (out,))
    r.next(delay=0.05)
check(worst < 2, "swctl took %.2f s during a slow dump" % worst)
print("swctl during a slow dump: at most %.3f s" % worst)

# The bridge goes away during a dump: an error ends it.
subprocess.run([swctl, "del-br", "br0"], check=True, timeout=30)
while True:
    m = r.next()
    if "chunk" not in m:
        break
check(m.get("error") == "bridge br0 was removed during the dump", "end %r" % m)
s.close()
print("python checks passed")
PY
echo PASS
