#!/usr/bin/env bash
# Makes the curl-only samples in samples/curl/: the output forms and failures
# the incident folders (samples/make-incidents.sh) do not cover — several -w
# blocks in one file, a CSV written by a shell loop, %{json} for several
# transfers of one command, a --trace hex dump with --trace-time, -v with
# --trace-time across a reused connection, a refused connection (exit 7), and a
# PHP application log of several curl failures.
#
#   bash samples/curl/make-samples.sh
#
# Needs node, curl; php-cli with php-curl for php-errors.log (skipped when
# missing). Talks to samples/server/server.mjs on 127.0.0.1 only. Every command
# runs in a fresh `mktemp -d` folder under `env -i PATH=/usr/bin:/bin`, so no
# path, user or host name of the machine that made it ends up in a sample.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SERVER="$HERE/../server/server.mjs"
OUT="$HERE"
CLEAN=(env -i PATH=/usr/bin:/bin)
# Upload body for the Expect: 100-continue cases; curl 7.88 adds the header
# itself only above 1 MiB, so the scripts ask for it with -H.
UPLOAD_BYTES=65536

WORK=$(mktemp -d)
trap 'kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
cd "$WORK"

node "$SERVER" --port 0 >server.out 2>server.err &
SERVER_PID=$!
for _ in $(seq 100); do grep -q LISTENING server.out 2>/dev/null && break; sleep 0.05; done
PORT=$(awk '/LISTENING/ {print $2}' server.out)
[[ -n $PORT ]] || { echo "server did not start" >&2; cat server.err >&2; exit 1; }
BASE="http://127.0.0.1:$PORT"
head -c "$UPLOAD_BYTES" /dev/zero | tr '\0' 'u' >upload.bin

# A port nothing listens on: bind, note, close (the kernel will refuse it).
CLOSED=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')

# 1. -w text template, one block per transfer, curl's stderr mixed in (2>&1),
#    as people run it in a loop and paste the lot.
TEMPLATE='time_namelookup: %{time_namelookup}\ntime_connect: %{time_connect}\ntime_pretransfer: %{time_pretransfer}\ntime_starttransfer: %{time_starttransfer}\ntime_total: %{time_total}\nhttp_code: %{http_code}\nsize_download: %{size_download}\nsize_upload: %{size_upload}\nexitcode: %{exitcode}\nerrormsg: %{errormsg}\nlocal_port: %{local_port}\nremote_ip: %{remote_ip}\nremote_port: %{remote_port}\nurl_effective: %{url_effective}\ncurl_version: %{curl_version}\nnum_connects: %{num_connects}\n\n'
: >writeout-blocks.txt
for p in ok short-body reset-mid-body empty; do
  "${CLEAN[@]}" curl -sS -o /dev/null -w "$TEMPLATE" "$BASE/api/$p" >>writeout-blocks.txt 2>&1 || true
done
"${CLEAN[@]}" curl -sS -o /dev/null --data-binary @upload.bin -H "Expect: 100-continue" -w "$TEMPLATE" "$BASE/upload-no100" >>writeout-blocks.txt 2>&1 || true

# 2. CSV from a shell loop: the header names curl variables; the time column
#    is the script's own epoch time; exit is the shell's $?.
{
  echo 'start,url_effective,http_code,exitcode,time_pretransfer,time_starttransfer,time_total,size_download,size_upload,local_port,remote_port'
  for p in ok chunked short-body reset-before-reply upload-no100; do
    extra=(); [[ $p == upload-* ]] && extra=(--data-binary @upload.bin -H 'Expect: 100-continue')
    printf '%s,' "$(date +%s.%N)"
    "${CLEAN[@]}" curl -s -o /dev/null "${extra[@]}" \
      -w '%{url_effective},%{http_code},%{exitcode},%{time_pretransfer},%{time_starttransfer},%{time_total},%{size_download},%{size_upload},%{local_port},%{remote_port}' \
      "$BASE/loop/$p" || true
    echo
  done
} >loop.csv

# 3. %{json} for several transfers of one command (keep-alive reuse, then a reset).
"${CLEAN[@]}" curl -s -w '%{json}\n' -o /dev/null -o /dev/null -o /dev/null \
  "$BASE/a/ok" "$BASE/b/ok" "$BASE/c/reset-mid-body" >json-multi.jsonl 2>/dev/null || true

# 4. --trace (hex) with --trace-time, an upload answered with 100 Continue.
#    (--trace-ids needs curl >= 8.4; this machine has 7.88.)
"${CLEAN[@]}" curl -s -o /dev/null --trace trace-hex.txt --trace-time --data-binary @upload.bin -H 'Expect: 100-continue' \
  "$BASE/upload-100" 2>/dev/null || true
# The hex dump of a 64 KiB body is 4000+ lines; keep the head and the end of the transfer.
awk '/=> Send data/ {skip=1; print; next} skip && /^[0-9:.]* ?(==|<=|=>)/ {skip=0} !skip' trace-hex.txt >trace-hex.tmp
mv trace-hex.tmp trace-hex.txt

# 5. -v with --trace-time: two requests on one connection, the second reset mid-body.
"${CLEAN[@]}" curl -v --trace-time -o /dev/null -o /dev/null "$BASE/x/ok" "$BASE/y/reset-mid-body" \
  >/dev/null 2>verbose-tracetime-reuse.txt || true

# 6. Connection refused (exit 7), -v.
"${CLEAN[@]}" curl -v "http://127.0.0.1:$CLOSED/health" >/dev/null 2>refused-verbose.txt || true

# 6b. The same refused transfer seen twice at once: -v on stderr and %{json} on stdout (one
# incident folder: faultline must report one finding citing both views).
mkdir -p refused-both
"${CLEAN[@]}" curl -v -w '%{json}\n' -o /dev/null "http://127.0.0.1:$CLOSED/health" >refused-both/curl.json 2>refused-both/verbose.txt || true

# 7. A PHP application's error log of several curl failures (PHP's own timestamps).
if php -m 2>/dev/null | grep -qx curl; then
  cat >app.php <<'PHP'
<?php
ini_set('log_errors', '1');
ini_set('error_log', __DIR__ . '/php-errors.log');
ini_set('date.timezone', 'UTC');
[$base, $closed] = [$argv[1], $argv[2]];
foreach (["$base/orders/ok", "$base/orders/reset-before-reply", "$base/orders/empty", "$base/orders/short-body", "http://127.0.0.1:$closed/orders"] as $url) {
    $ch = curl_init($url);
    curl_setopt_array($ch, [CURLOPT_RETURNTRANSFER => true, CURLOPT_TIMEOUT => 5]);
    $body = curl_exec($ch);
    if (curl_errno($ch)) {
        $i = curl_getinfo($ch);
        error_log(sprintf('payments: upstream call failed: curl_errno=%d curl_error="%s" url=%s http_code=%d size_download=%d total_time=%.6f local_port=%d',
            curl_errno($ch), curl_error($ch), $url, $i['http_code'], $i['size_download'], $i['total_time'], $i['local_port']));
    } else {
        error_log(sprintf('payments: %s -> %d (%d bytes)', $url, curl_getinfo($ch, CURLINFO_HTTP_CODE), strlen($body)));
    }
    curl_close($ch);
}
PHP
  "${CLEAN[@]}" php app.php "$BASE" "$CLOSED"
  rm -f app.php
else
  echo "php-curl missing: php-errors.log not made" >&2
fi

# The server's port is random per run; the samples keep whatever it was.
for f in writeout-blocks.txt loop.csv json-multi.jsonl trace-hex.txt verbose-tracetime-reuse.txt refused-verbose.txt php-errors.log; do
  [[ -f $f ]] && cp "$f" "$OUT/$f"
done
mkdir -p "$OUT/refused-both" && cp refused-both/* "$OUT/refused-both/"
echo "samples written to $OUT" >&2
