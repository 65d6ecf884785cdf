#!/usr/bin/env bash
# Makes the capture-format samples in samples/pcap/: the same small loopback
# HTTP exchange (curl against server.mjs on 127.0.0.1 or ::1) captured with
# tcpdump in several link types and precisions, and converted with editcap.
#
#   bash samples/pcap/make-samples.sh
#
# Needs root (tcpdump), node, curl, tcpdump, editcap. Each capture runs in a
# fresh `mktemp -d` folder under `env -i PATH=/usr/bin:/bin`.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CLEAN=(env -i PATH=/usr/bin:/bin)

# capture NAME HOST TCPDUMP-ARGS... : one keep-alive connection with two GETs
# (one short body, one 3000-byte body), then a second connection with one GET.
capture() {
  local name=$1 host=$2
  shift 2
  local dir
  dir=$(mktemp -d)
  (
    cd "$dir"
    "${CLEAN[@]}" node "$HERE/server.mjs" "$host" 0 >server.out 2>&1 &
    local spid=$!
    for _ in $(seq 100); do grep -q LISTENING server.out 2>/dev/null && break; sleep 0.05; done
    local port
    port=$(awk '/LISTENING/ {print $2}' server.out)
    "${CLEAN[@]}" tcpdump --immediate-mode -U -w cap.pcap "$@" "tcp port $port" 2>tcpdump.err &
    local tpid=$!
    sleep 1
    local url_host=$host
    [[ $host == *:* ]] && url_host="[$host]"
    "${CLEAN[@]}" curl -s -o /dev/null -o /dev/null "http://$url_host:$port/a" "http://$url_host:$port/big"
    "${CLEAN[@]}" curl -s -o /dev/null "http://$url_host:$port/c"
    sleep 1
    kill "$tpid"
    wait "$tpid" || true
    kill "$spid"
    wait "$spid" || true
    cp cap.pcap "$HERE/$name"
  )
  rm -rf "$dir"
  echo "made $name" >&2
}

capture lo-ethernet-usec.pcap 127.0.0.1 -i lo
capture lo-ethernet-nsec.pcap 127.0.0.1 -i lo --time-stamp-precision=nano
capture lo-ipv6-usec.pcap ::1 -i lo
capture any-sll2.pcap 127.0.0.1 -i any
capture any-sll.pcap 127.0.0.1 -i any -y LINUX_SLL
capture lo-snaplen-80.pcap 127.0.0.1 -i lo -s 80

# Format conversions of the first capture.
editcap -F pcapng "$HERE/lo-ethernet-usec.pcap" "$HERE/lo-ethernet.pcapng"
editcap -F pcapng "$HERE/lo-ethernet-nsec.pcap" "$HERE/lo-ethernet-nsec.pcapng"
# Two sections in one file (pcapng files concatenated are still a valid pcapng).
editcap -F pcapng "$HERE/any-sll2.pcap" "$HERE/.sll2.pcapng"
cat "$HERE/lo-ethernet.pcapng" "$HERE/.sll2.pcapng" >"$HERE/two-sections.pcapng"
rm -f "$HERE/.sll2.pcapng"
# One section, two interfaces of different link types and precisions.
mergecap -F pcapng -w "$HERE/two-interfaces.pcapng" "$HERE/lo-ethernet-nsec.pcapng" "$HERE/any-sll2.pcap"
gzip -9 -n -c "$HERE/lo-ethernet-usec.pcap" >"$HERE/lo-ethernet-usec.pcap.gz"
# Raw IP link types: editcap chops the 14-byte Ethernet header and relabels the file.
editcap -C 14 -T rawip "$HERE/lo-ethernet-usec.pcap" "$HERE/raw-ip.pcap"
editcap -C 14 -T rawip4 "$HERE/lo-ethernet-usec.pcap" "$HERE/raw-ipv4.pcap"
editcap -C 14 -T rawip6 "$HERE/lo-ipv6-usec.pcap" "$HERE/raw-ipv6.pcap"
