#!/usr/bin/env bash
# Makes the wire samples in samples/wire/: real captures (tcpdump on loopback)
# of a CONNECT proxy, servers that break HTTP on purpose, refused and dropped
# connections, and DNS lookups to a resolver of our own. See README.md.
#
#   bash samples/wire/make-wire.sh            # every capture
#   bash samples/wire/make-wire.sh NAME...    # only these (file names without .pcap)
#
# Needs root (tcpdump, a network namespace), node, curl, python3, editcap.
# Runs inside a network namespace of its own (unshare --net): its loopback is
# the only interface, so nothing here can reach another machine, port 53 is
# free for our resolver, and the Ethernet MTU (1500) makes TCP cut responses
# into 1448-byte segments as a real network does. Clients run with `env -i` in
# a fresh folder, with /etc/resolv.conf and /etc/hosts bound to neutral copies.
set -euo pipefail
if [[ -z ${IN_NETNS:-} ]]; then exec unshare --net --mount env IN_NETNS=1 bash "$0" "$@"; fi
ip link set lo mtu 1500 gso_max_size 1500 gso_max_segs 1 up

HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
cd "$WORK"
printf '127.0.0.1\tlocalhost\n' >hosts
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:2\n' >resolv-udp.conf
printf 'nameserver 127.0.0.1\noptions use-vc timeout:1 attempts:1\n' >resolv-tcp.conf
mount --bind hosts /etc/hosts
CLEAN=(env -i PATH=/usr/bin:/bin)
log() { printf '%s\n' "$*" >&2; }
want() { [[ -z $ONLY ]] && return 0; [[ " $ONLY " == *" $1 "* ]]; }
ONLY="$*"

# start NAME CMD...: runs a server in the background, sets PORT and PIDS
PIDS=()
start() {
  local name=$1; shift
  "$@" >"$name.out" 2>"$name.err" &
  PIDS+=($!)
  for _ in $(seq 100); do grep -q LISTENING "$name.out" 2>/dev/null && break; sleep 0.05; done
  PORT=$(awk '/LISTENING/ {print $2}' "$name.out")
  [[ -n $PORT ]] || { log "$name did not start"; cat "$name.err" >&2; exit 1; }
}
stop_servers() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; PIDS=(); }
# cap FILE FILTER / endcap: tcpdump on lo around a scenario
cap() {
  CAPFILE=$1
  tcpdump -i lo -B 32768 --immediate-mode -U -Z root -w "$1" "$2" 2>tcpdump.err &
  TCPDUMP=$!
  for _ in $(seq 100); do grep -q 'listening on' tcpdump.err 2>/dev/null && break; sleep 0.05; done
}
endcap() {
  sleep 0.5
  kill -INT "$TCPDUMP"; wait "$TCPDUMP" || true
  if grep -E '[1-9][0-9]* packets? dropped' tcpdump.err >&2; then log "WARNING: capture lost packets"; fi
  cp "$CAPFILE" "$HERE/$CAPFILE"
  log "$CAPFILE: $(tcpdump -r "$CAPFILE" 2>/dev/null | wc -l) packets"
}

start raw node "$HERE/raw-server.mjs"; RAW=$PORT
start proxy node "$HERE/proxy.mjs"; PROXY=$PORT
CURL=("${CLEAN[@]}" curl -q -sS -o /dev/null -m 5)

if want connect-tunnel; then
  # curl -p: tunnel plain HTTP through the proxy (CONNECT, 200, then GET inside)
  cap connect-tunnel.pcap "tcp port $PROXY or tcp port $RAW"
  "${CURL[@]}" -p -x "http://127.0.0.1:$PROXY" "http://127.0.0.1:$RAW/size/300" || true
  endcap
fi
if want connect-refused; then
  # four proxies saying no, one connection each
  cap connect-refused.pcap "tcp port $PROXY"
  for h in deny-403 auth-407 bad-400 gw-502; do "${CURL[@]}" -x "http://127.0.0.1:$PROXY" "https://$h.test/" || true; done
  endcap
fi
if want connect-close-200; then
  cap connect-close-200.pcap "tcp port $PROXY"
  "${CURL[@]}" -x "http://127.0.0.1:$PROXY" "https://close-200.test/" || true
  endcap
fi
if want connect-capture-ends-in-tunnel; then
  # the tunnel is up and the request inside waits: the capture stops first
  cap connect-capture-ends-in-tunnel.pcap "tcp port $PROXY or tcp port $RAW"
  "${CURL[@]}" -m 3 -p -x "http://127.0.0.1:$PROXY" "http://127.0.0.1:$RAW/hold" &
  C=$!; sleep 1; kill -INT "$TCPDUMP"; wait "$TCPDUMP" || true; wait $C || true
  cp "$CAPFILE" "$HERE/$CAPFILE"; log "$CAPFILE: $(tcpdump -r "$CAPFILE" 2>/dev/null | wc -l) packets"
fi
if want http-violations; then
  # one connection per violation; curl gives up on most of them, as it should
  cap http-violations.pcap "tcp port $RAW"
  for p in bad-chunk cl-max cl-neg cl-zeros te-chunked-identity lower status-2xx; do "${CURL[@]}" "http://127.0.0.1:$RAW/$p" || true; done
  endcap
fi
if want bad-request-400; then
  cap bad-request-400.pcap "tcp port $RAW"
  "${CLEAN[@]}" node "$HERE/garbage-client.mjs" "$RAW" >/dev/null
  endcap
fi
if want keepalive-gap; then
  # three requests pipelined on one connection, answered back to back: the
  # responses share segments. keepalive-gap-lost.pcap drops the segment that
  # holds the end of the first response and the start of the second.
  cap keepalive-gap.pcap "tcp port $RAW"
  "${CLEAN[@]}" node "$HERE/pipeline-client.mjs" "$RAW" /size/5000 /size/3000 /size/2000 >/dev/null
  endcap
  # curl keep-alive: one request after the other on one connection
  cap keepalive-seq.pcap "tcp port $RAW"
  "${CURL[@]}" -o /dev/null -o /dev/null "http://127.0.0.1:$RAW/size/5000" "http://127.0.0.1:$RAW/size/3000" "http://127.0.0.1:$RAW/size/2000" || true
  endcap
  # Loss made after the fact (editcap -d drops one frame): the capture lost
  # it, the client did not. Pipelined: the segment holding the end of the
  # first response and the start of the second (status line not at its start).
  # Sequential: the segment that starts the second response.
  status_frames() { # frame numbers of server segments holding a status line, and where in the payload it starts
    tshark -r "$1" -Y "tcp.srcport == $RAW && tcp.len > 0" -T fields -e frame.number -e tcp.payload 2>/dev/null |
      awk '{ i = index($2, "485454502f312e3120"); if (i > 0) print $1, (i - 1) / 2 }'
  }
  f=$(status_frames keepalive-gap.pcap | awk '$2 > 0 { print $1; exit }')
  editcap keepalive-gap.pcap "$HERE/keepalive-gap-lost.pcap" "$f"
  f=$(status_frames keepalive-seq.pcap | awk 'NR == 2 { print $1 }')
  editcap keepalive-seq.pcap "$HERE/keepalive-seq-lost.pcap" "$f"
  log "dropped frames: pipelined $(status_frames keepalive-gap.pcap | awk '$2 > 0 { print $1; exit }'), sequential $f"
fi
stop_servers

if want connect-failed; then
  # a refused port (nothing listens) and a port whose listener never accepts:
  # its accept queue holds one connection, so the next SYNs are dropped
  start backlog python3 "$HERE/backlog.py" 30; BACKLOG=$PORT
  REFUSED=$((BACKLOG + 1)); while (echo >/dev/tcp/127.0.0.1/$REFUSED) 2>/dev/null; do REFUSED=$((REFUSED + 1)); done
  cap connect-failed.pcap "tcp port $REFUSED or tcp port $BACKLOG"
  "${CURL[@]}" "http://127.0.0.1:$REFUSED/" || true
  "${CURL[@]}" -m 1 "http://127.0.0.1:$BACKLOG/" || true   # fills the accept queue
  "${CURL[@]}" -m 4 "http://127.0.0.1:$BACKLOG/" || true   # its SYNs are dropped
  endcap
  stop_servers
fi
for mode in silent nxdomain; do
  want "dns-$mode" || continue
  start dns node "$HERE/dns.mjs" --port 53 --mode "$mode"
  cap "dns-$mode.pcap" "port 53"
  for proto in udp tcp; do
    mount --bind "resolv-$proto.conf" /etc/resolv.conf
    "${CURL[@]}" -4 "http://service-$proto.example.test/" || true
    umount /etc/resolv.conf
  done
  endcap
  stop_servers
done
rm -rf "$WORK"
