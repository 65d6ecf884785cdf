#!/usr/bin/env bash
# Makes samples/clock/placed/: curl's `-w '%{json}'` output (no wall-clock time
# in it) of transfers that tcpdump captured at the same time, so the JSON's
# local/remote ports name connections in the capture (issue 9, item 16: undated
# views placed on the capture's clock).
#
#   curl.json    one line per transfer:
#                  1-3  one command, three URLs on one keep-alive connection: /a/ok opens it
#                       (its SYN places it), /b/ok and /c/reset-mid-body reuse it
#                       (num_connects 0: their requests place them); the third is reset
#                       mid-body (exit 56, 7000 of 20000 bytes)
#                  4    a transfer to a second server whose port tcpdump did not capture:
#                       its ends match no connection, so it stays unplaced
#   capture.pcap tcpdump of the first server's port only
#
#   bash samples/clock/make-placed.sh   (root for tcpdump on lo; node, curl, tcpdump)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SERVER="$HERE/../server/server.mjs"
OUT="$HERE/placed"
WORK=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
cd "$WORK"

start_server() { # $1: name of its output file; prints the port
  node "$SERVER" --port 0 >"$1" 2>"$1.err" &
  PIDS+=($!)
  for _ in $(seq 100); do grep -q LISTENING "$1" 2>/dev/null && break; sleep 0.05; done
  awk '/LISTENING/ {print $2}' "$1"
}
PORT=$(start_server a.out)
OTHER=$(start_server b.out)
[[ -n $PORT && -n $OTHER ]] || { echo "servers did not start" >&2; exit 1; }

tcpdump -i lo -B 32768 --immediate-mode -U -Z root -w capture.pcap "tcp port $PORT" 2>tcpdump.err &
TCPDUMP_PID=$!
for _ in $(seq 100); do grep -q 'listening on' tcpdump.err 2>/dev/null && break; sleep 0.05; done

# A neutral folder and environment: nothing of this machine in the output.
env -i PATH=/usr/bin:/bin curl -s -w '%{json}\n' -o /dev/null -o /dev/null -o /dev/null \
  "http://127.0.0.1:$PORT/a/ok" "http://127.0.0.1:$PORT/b/ok" "http://127.0.0.1:$PORT/c/reset-mid-body" >curl.json 2>/dev/null || true
sleep 0.3
env -i PATH=/usr/bin:/bin curl -s -w '%{json}\n' -o /dev/null "http://127.0.0.1:$OTHER/d/ok" >>curl.json 2>/dev/null || true
sleep 0.5
kill -INT "$TCPDUMP_PID"; wait "$TCPDUMP_PID" || true
mkdir -p "$OUT"
cp capture.pcap curl.json "$OUT/"
echo "wrote $OUT"
