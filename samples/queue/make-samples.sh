#!/bin/sh
# Makes the queue samples with the real strace on this machine, in a clean
# environment and a temporary folder (no paths of this machine in the log).
#   sh samples/queue/make-samples.sh        (needs strace, dd, gzip)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
run() { env -i PATH=/usr/bin:/bin "$@"; }

# slow-case/: one 3 MB write() traced in full (-s 4000000 -xx): a 12 MB strace line that takes
# seconds to read, kept gzipped (12 KB). The queue tests use it as the case a worker is
# holding when it is killed.
mkdir slow-case
run strace -f -ttt -T -yy -e trace=write -s 4000000 -xx -o slow-case/huge-write.strace \
  sh -c 'echo start >/dev/null; dd if=/dev/zero of=/dev/null bs=3M count=1 status=none'
gzip -9 -n slow-case/huge-write.strace
rm -rf "$here/slow-case"
mv slow-case "$here/"
