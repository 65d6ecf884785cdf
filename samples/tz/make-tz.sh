#!/usr/bin/env bash
# Makes samples/tz/berlin/: one curl transfer that the server resets mid-body
# (samples/server/server.mjs on 127.0.0.1), traced by `strace -tt` (time of day,
# no date, no zone) with TZ=Europe/Berlin while tcpdump captures the same
# connection (epoch times). Read together in UTC, the two views of the one reset
# land a whole hour apart: issue 9, item 15.
#
#   bash samples/tz/make-tz.sh        (needs root for tcpdump on lo; node, curl, strace, tcpdump)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SERVER="$HERE/../server/server.mjs"
OUT="$HERE/berlin"
WORK=$(mktemp -d)
cd "$WORK"
node "$SERVER" --port 0 >server.out 2>server.err &
SERVER_PID=$!
for _ in $(seq 100); do grep -q LISTENING server.out 2>/dev/null && break; sleep 0.05; done
PORT=$(awk '/LISTENING/ {print $2}' server.out)
tcpdump -i lo -B 32768 --immediate-mode -U -Z root -w capture.pcap "tcp port $PORT" 2>tcpdump.err &
TCPDUMP_PID=$!
for _ in $(seq 100); do grep -q 'listening on' tcpdump.err 2>/dev/null && break; sleep 0.05; done
# A neutral folder and environment: nothing of this machine in the trace; only network calls traced.
env -i PATH=/usr/bin:/bin TZ=Europe/Berlin strace -f -tt -T -yy -e trace=network -o client.strace \
  curl -sS -o /dev/null "http://127.0.0.1:$PORT/api/orders/reset-mid-body" 2>curl.err || true
sleep 0.5
kill -INT "$TCPDUMP_PID"; wait "$TCPDUMP_PID" || true
kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true
mkdir -p "$OUT"
cp capture.pcap client.strace "$OUT/"
cd /; rm -rf "$WORK"
echo "wrote $OUT"
