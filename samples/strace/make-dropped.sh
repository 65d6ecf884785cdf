#!/bin/sh
# A port that drops SYNs (issue 13): a listener on 127.0.0.1 that called
# listen(0) and never accepts, its one-place accept queue filled by a first
# connection, so the kernel silently drops every later SYN (a stuck server,
# as after a hung worker). Two clients are traced against it:
#   connect-dropped.strace             a blocking connect() with TCP_SYNCNT=1
#                                      (two SYNs, ~3 s): -1 ETIMEDOUT
#   connect-dropped-nonblocking.strace a non-blocking connect (EINPROGRESS),
#                                      poll until the kernel gives up, then
#                                      getsockopt(SO_ERROR) = [ETIMEDOUT]
#   connect-dropped-curl.strace        curl --connect-timeout 1: EINPROGRESS, poll
#                                      times out, curl closes the socket still
#                                      connecting and exits 28; its own -v output is
#                                      samples/curl/dropped-traced-verbose.txt
# Run from the repository (no root needed): sh samples/strace/make-dropped.sh
# Traced under `env -i PATH=/usr/bin:/bin` in a fresh folder under /tmp, so
# the logs hold no paths of this machine. Only loopback is used.
set -eu
out="$(cd "$(dirname "$0")" && pwd)/failures"
mkdir -p "$out"
work="$(mktemp -d /tmp/fl-dropped.XXXXXX)"
trap 'kill $srv 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
ST="strace -f -tt -T -yy -s 256"
E="env -i PATH=/usr/bin:/bin"
PORT=18097

cat > stuck.py <<'PY'
# listen(0), never accept; one connection of our own fills the accept queue
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(0)
filler = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
open("ready", "w").close()
time.sleep(40)
PY
cat > blocking.py <<'PY'
import socket, sys
c = socket.socket()
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_SYNCNT, 1)  # give up after two SYNs, not six
try:
    c.connect(("127.0.0.1", int(sys.argv[1])))
except OSError as e:
    raise SystemExit("connect: %s" % e.strerror)
PY
cat > nonblocking.py <<'PY'
import select, socket, sys
c = socket.socket(); c.setblocking(False)
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_SYNCNT, 1)
c.connect_ex(("127.0.0.1", int(sys.argv[1])))
select.select([], [c], [], 10)
err = c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
if err:
    raise SystemExit("connect: error %d" % err)
PY

python3 stuck.py $PORT & srv=$!
while [ ! -e ready ]; do sleep 0.05; done
$E $ST -o "$out/connect-dropped.strace" python3 -S blocking.py $PORT 2>/dev/null || true
$E $ST -o "$out/connect-dropped-nonblocking.strace" python3 -S nonblocking.py $PORT 2>/dev/null || true
$E $ST -o "$out/connect-dropped-curl.strace" curl -sS -v --connect-timeout 1 http://127.0.0.1:$PORT/ 2>"$out/../../curl/dropped-traced-verbose.txt" || true
ls -la "$out"/connect-dropped*
