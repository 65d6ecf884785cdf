#!/usr/bin/env bash
# Makes the source-kind samples in samples/sources/ from the real incident samples
# (samples/incidents/reset-mid-body), with the real tools: tar, gzip, zip, and a
# byte editor (dd) for the damaged gzip files.
#
#   bash samples/sources/make-samples.sh
#
# Archives are made with fixed owner, mode and mtime so that they are the same bytes
# on every machine (the tests compare digests).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SRC="$HERE/../incidents/reset-mid-body"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"

# One incident as a bundle, as someone attaches it to a ticket: a folder with the traces,
# plus entries that are not regular files (a symlink, a folder) which must be skipped.
mkdir -p incident/logs
cp "$SRC/capture.pcap" "$SRC/client.strace" "$SRC/curl-verbose.txt" incident/
cp "$SRC/curl-w.txt" incident/logs/
ln -s ../client.strace incident/logs/link-to-strace
TAROPTS=(--sort=name --owner=0 --group=0 --numeric-owner --mtime=2026-01-01T00:00:00Z --mode=u+rw,go+r)
env -i PATH=/usr/bin:/bin tar "${TAROPTS[@]}" -cf "$HERE/incident.tar" incident
env -i PATH=/usr/bin:/bin tar "${TAROPTS[@]}" -cf - incident | gzip -n -9 > "$HERE/incident.tar.gz"
# zip: -X no extra attributes, -y store the symlink as a link; fixed mtimes first.
find incident -exec touch -h -d 2026-01-01T00:00:00Z {} +
rm -f "$HERE/incident.zip"
env -i PATH=/usr/bin:/bin TZ=UTC zip -q -X -y -r "$HERE/incident.zip" incident

# Hostile member names: a path climbing out (../../) and an absolute one, a hard link and a
# fifo. Names are display strings only: nothing is ever written under them.
mkdir hostile
cp "$SRC/curl-verbose.txt" hostile/v.txt
ln hostile/v.txt hostile/hard
mkfifo hostile/fifo
env -i PATH=/usr/bin:/bin tar "${TAROPTS[@]}" --transform 's,^hostile/v.txt$,../../escape.txt,;s,^hostile/hard$,/etc/absolute.txt,' -cf "$HERE/hostile.tar" hostile/v.txt hostile/hard hostile/fifo

# The same climbing and absolute names in a zip (Info-ZIP's zip strips them, so Python's
# zipfile writes it, with a fixed date so the bytes are the same on every run).
python3 - "$SRC/curl-verbose.txt" "$HERE/hostile.zip" <<'PY'
import sys, zipfile
data = open(sys.argv[1], 'rb').read()
with zipfile.ZipFile(sys.argv[2], 'w') as z:
    for name in ('../../escape.txt', '/etc/absolute.txt', 'plain.txt'):
        z.writestr(zipfile.ZipInfo(name, date_time=(2026, 11, 23, 0, 0, 0)), data)
PY

# A small decompression bomb: 256 MiB of zeros in one member, ~250 KB as tar.gz.
head -c $((256 << 20)) /dev/zero > zeros.log
env -i PATH=/usr/bin:/bin tar "${TAROPTS[@]}" -cf - zeros.log | gzip -n -9 > "$HERE/bomb.tar.gz"

# A text trace gzip-compressed, then damaged two ways:
#  - cut: the .gz cut part-way (a download or a copy that stopped);
#  - damaged: bytes in the middle of the deflate data overwritten (a bad disk block).
# client.strace is 118 KB of text, ~12 KB compressed.
gzip -n -9 -c "$SRC/client.strace" > "$HERE/client.strace.gz"
head -c 6000 "$HERE/client.strace.gz" > "$HERE/client.strace-cut.gz"
#  - damaged: 16 bytes 0xff written at compressed offset 6108: zlib meets an invalid
#    literal/length code there (most damage decodes into garbage silently instead — next);
cp "$HERE/client.strace.gz" "$HERE/client.strace-damaged.gz"
printf '\xff%.0s' $(seq 16) | dd of="$HERE/client.strace-damaged.gz" bs=1 seek=6108 conv=notrunc status=none
#  - bad-crc: 64 zero bytes at offset 6000: the deflate data still decodes (into garbage
#    from there on) and only the CRC at the end tells.
cp "$HERE/client.strace.gz" "$HERE/client.strace-bad-crc.gz"
dd if=/dev/zero of="$HERE/client.strace-bad-crc.gz" bs=1 seek=6000 count=64 conv=notrunc status=none
# 2 KB of good gzip data followed by garbage (the case where everything used to be lost).
head -c 2048 "$HERE/client.strace.gz" > "$HERE/client.strace-2k-then-garbage.gz"
# The garbage: 4 KB of deterministic noise (sha256 of 1..128), the same bytes on every machine.
for i in $(seq 1 128); do printf '%s' "$i" | sha256sum | xxd -r -p; done >> "$HERE/client.strace-2k-then-garbage.gz"

sha256sum "$HERE"/incident.tar "$HERE"/incident.tar.gz "$HERE"/incident.zip "$HERE"/hostile.tar "$HERE"/hostile.zip "$HERE"/bomb.tar.gz "$HERE"/client.strace*.gz | sed "s#$HERE/##" > "$HERE/SHA256SUMS"
