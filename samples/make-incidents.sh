#!/usr/bin/env bash
# Makes the real incident samples in samples/incidents/: for each scenario one
# curl transfer against samples/server/server.mjs on 127.0.0.1, captured at the
# same time by tcpdump (capture.pcap) and strace (client.strace), with curl's
# own outputs of that same transfer (same ports, same moment).
#
#   bash samples/make-incidents.sh              # every scenario
#   bash samples/make-incidents.sh NAME...      # only these (folder names)
#
# Needs root (tcpdump on lo), node, curl, strace, tcpdump, openssl; php-cli with
# php-curl for the PHP application-log scenarios (skipped when missing).
# Each transfer runs in a fresh `mktemp -d` folder under `env -i PATH=/usr/bin:/bin`
# so no path, user or host name of the machine that made it ends up in a sample.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SERVER="$HERE/server/server.mjs"
OUT="$HERE/incidents"
# A UTS namespace with a neutral host name: curl and PHP call uname(), and
# strace prints the node name it returns.
CLEAN_ENV=(unshare --uts sh -c 'hostname client && exec "$@"' sh env -i PATH=/usr/bin:/bin)
STRACE=(strace -f -ttt -T -yy -s 256 -o client.strace)
# Sent as POST bodies: big enough to need several segments on a real network
# and to make curl (and PHP's libcurl) wait for 100-continue.
UPLOAD_BYTES=65536

# curl-format.txt as people commonly write it, plus the variables the issues
# name; %{json} is appended in the same -w so both files describe one transfer.
CURL_FORMAT='     time_namelookup:  %{time_namelookup}s\n        time_connect:  %{time_connect}s\n     time_appconnect:  %{time_appconnect}s\n    time_pretransfer:  %{time_pretransfer}s\n       time_redirect:  %{time_redirect}s\n  time_starttransfer:  %{time_starttransfer}s\n                     ----------\n          time_total:  %{time_total}s\n           http_code:  %{http_code}\n       size_download:  %{size_download}\n         size_upload:  %{size_upload}\n            exitcode:  %{exitcode}\n            errormsg:  %{errormsg}\n           remote_ip:  %{remote_ip}\n         remote_port:  %{remote_port}\n            local_ip:  %{local_ip}\n          local_port:  %{local_port}\n       url_effective:  %{url_effective}\n'
JSON_MARK='--- json ---'

log() { printf '%s\n' "$*" >&2; }

# Runs in the current (fresh, empty) folder: starts the server, returns its port.
start_server() {
  local tlsargs=()
  if [[ ${1:-} == tls ]]; then
    openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 \
      -subj /CN=localhost >/dev/null 2>&1
    tlsargs=(--tls cert.pem key.pem)
  fi
  node "$SERVER" --port 0 "${tlsargs[@]}" >server.out 2>server.err &
  SERVER_PID=$!
  for _ in $(seq 100); do
    if grep -q LISTENING server.out 2>/dev/null; then break; fi
    sleep 0.05
  done
  PORT=$(awk '/LISTENING/ {print $2}' server.out)
  [[ -n $PORT ]] || { log "server did not start"; cat server.err >&2; exit 1; }
}

start_tcpdump() {
  # -Z root: Debian's tcpdump drops to user tcpdump, which cannot write here.
  tcpdump -i lo --immediate-mode -U -Z root -w capture.pcap "tcp port $PORT" 2>tcpdump.err &
  TCPDUMP_PID=$!
  for _ in $(seq 100); do
    if grep -q 'listening on' tcpdump.err 2>/dev/null; then return; fi
    sleep 0.05
  done
  log "tcpdump did not start"; cat tcpdump.err >&2; exit 1
}

stop_all() {
  # Let the last FIN/RST/ACKs reach the capture before stopping it.
  sleep 0.5
  kill -INT "$TCPDUMP_PID"; wait "$TCPDUMP_PID" || true
  kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true
}

# Splits curl's stdout (the combined -w template) into curl-w.txt and curl.json.
split_w() {
  awk -v mark="$JSON_MARK" '$0 == mark {json=1; next} json {print > "curl.json"; next} {print > "curl-w.txt"}' curl.stdout
  rm -f curl.stdout
}

# run_curl NAME MODE SCHEME PATH [curl args...]
#   MODE verbose: capture.pcap + client.strace + curl-verbose.txt (-v) + curl-w.txt + curl.json
#   MODE trace:   the same with curl-trace.txt (--trace-ascii --trace-time) instead of -v
#     (curl takes only one of -v and --trace-ascii, so the trace is a second,
#     separate transfer, kept in its own folder NAME-trace with its own capture).
run_curl() {
  local name=$1 mode=$2 scheme=$3 path=$4; shift 4
  local dest="$OUT/$name"; [[ $mode == trace ]] && dest="$OUT/$name-trace"
  local work; work=$(mktemp -d)
  (
    cd "$work"
    head -c "$UPLOAD_BYTES" /dev/zero | tr '\0' 'p' >body.bin
    start_server "$([[ $scheme == https ]] && echo tls || true)"
    start_tcpdump
    local url="$scheme://127.0.0.1:$PORT$path"
    local out=(-v)
    [[ $mode == trace ]] && out=(--trace-ascii curl-trace.txt --trace-time)
    local urls=("${url}")
    if [[ -n ${EXTRA_PATH:-} ]]; then urls+=("$scheme://127.0.0.1:$PORT$EXTRA_PATH"); fi
    set +e
    # -q first: ignore any .curlrc; -sS: no progress meter, errors still shown.
    "${CLEAN_ENV[@]}" "${STRACE[@]}" curl -q -sS "${out[@]}" -o /dev/null \
      -w "${CURL_FORMAT}${JSON_MARK}\n%{json}\n" "$@" "${urls[@]}" >curl.stdout 2>curl.stderr
    set -e
    stop_all
    split_w
    if [[ $mode == verbose ]]; then mv curl.stderr curl-verbose.txt; else
      # Without -v, stderr holds only curl's final error line (if any); keep it.
      if [[ -s curl.stderr ]]; then mv curl.stderr curl-stderr.txt; else rm -f curl.stderr; fi
    fi
    rm -rf "$dest"; mkdir -p "$dest"
    cp capture.pcap client.strace curl-w.txt curl.json "$dest/"
    for f in curl-verbose.txt curl-trace.txt curl-stderr.txt; do [[ -f $f ]] && cp "$f" "$dest/"; done
    true
  )
  rm -rf "$work"
  log "$name ($mode): curl exit $(jq -s '.[-1].exitcode' "$dest/curl.json")"
}

# run_php NAME PHPFILE SCRIPT-ARGS...: strace + tcpdump around one PHP script
# that logs curl failures the way applications do (error_log → app.log).
run_php() {
  local name=$1 script=$2; shift 2
  local dest="$OUT/$name"
  local work; work=$(mktemp -d)
  (
    cd "$work"
    cp "$HERE/server/php/$script" app.php
    start_server
    start_tcpdump
    set +e
    "${CLEAN_ENV[@]}" "${STRACE[@]}" php -n -d extension=curl.so -d error_log=app.log \
      -d log_errors=1 -d display_errors=0 -d date.timezone=UTC app.php "$PORT" "$@" >php.stdout 2>php.stderr
    set -e
    stop_all
    rm -rf "$dest"; mkdir -p "$dest"
    cp capture.pcap client.strace app.log "$dest/"
    [[ -s curl-verbose.txt ]] && cp curl-verbose.txt "$dest/"
    true
  )
  rm -rf "$work"
  log "$name (php): $(grep -o 'curl_errno=[0-9]*' "$dest/app.log" | head -1)"
}

UPLOAD=(-H 'Expect: 100-continue' --data-binary @body.bin -H 'Content-Type: application/octet-stream')

scenario() {
  local name=$1
  case $name in
    keepalive-200)      run_curl $name "$MODE" http /ok ;;
    keepalive-reuse)    EXTRA_PATH=/chunked run_curl $name "$MODE" http /ok ;;
    close-delimited)    run_curl $name "$MODE" http /close ;;
    chunked-200)        run_curl $name "$MODE" http /chunked ;;
    expect-100-answered) run_curl $name "$MODE" http /upload-100 "${UPLOAD[@]}" ;;
    expect-100-withheld) run_curl $name "$MODE" http /upload-no100 "${UPLOAD[@]}" ;;
    expect-417)         run_curl $name "$MODE" http /upload-417 "${UPLOAD[@]}" ;;
    reset-mid-body)     run_curl $name "$MODE" http /api/orders/reset-mid-body ;;
    reset-before-reply) run_curl $name "$MODE" http /api/orders/reset-before-reply ;;
    short-body)         run_curl $name "$MODE" http /short-body ;;
    chunked-no-last)    run_curl $name "$MODE" http /chunked-no-last ;;
    empty-reply)        run_curl $name "$MODE" http /empty ;;
    slow-timeout)       run_curl $name "$MODE" http /slow --max-time 1.5 ;;
    hostile-headers)    run_curl $name "$MODE" http '/hostile?q=%3Cscript%3Ealert(1)%3C/script%3E' ;;
    secrets)            run_curl $name "$MODE" http '/secret?token=tok-SECRET-8f3a1c&api_key=key-SECRET-77d0&page=2' \
                          -H 'Authorization: Bearer sk_live_SECRET_4eC39HqLyjWDarjtT1' \
                          -H 'Cookie: session=SESSION-SECRET-5f2c9a; theme=dark' ;;
    tls-reset)          run_curl $name "$MODE" https /tls-reset -k ;;
    *) log "unknown scenario $name"; exit 2 ;;
  esac
}

CURL_SCENARIOS=(keepalive-200 keepalive-reuse close-delimited chunked-200 expect-100-answered
  expect-100-withheld expect-417 reset-mid-body reset-before-reply short-body chunked-no-last
  empty-reply slow-timeout hostile-headers secrets tls-reset)
PHP_SCENARIOS=(php-reset-mid-body php-reset-before-reply incident-all)

want=("$@")
[[ ${#want[@]} -eq 0 ]] && want=("${CURL_SCENARIOS[@]}" "${PHP_SCENARIOS[@]}")

mkdir -p "$OUT"
have_php=1
if ! command -v php >/dev/null || ! php -m 2>/dev/null | grep -x curl >/dev/null; then have_php=0; fi

for w in "${want[@]}"; do
  case $w in
    php-reset-mid-body)     ((have_php)) && run_php $w log-failures.php /api/orders/reset-mid-body || log "skip $w: no php-curl" ;;
    php-reset-before-reply) ((have_php)) && run_php $w log-failures.php /api/orders/reset-before-reply || log "skip $w: no php-curl" ;;
    incident-all)           ((have_php)) && run_php $w payment.php || log "skip $w: no php-curl" ;;
    *-trace) MODE=trace scenario "${w%-trace}" ;;
    *) MODE=verbose scenario "$w"; MODE=trace scenario "$w" ;;
  esac
done

# Nothing of this machine may leak into a sample.
HN=$(hostname)
LEAK="/work/|/root|nodename=\"$HN\""
# A short host name ("vm") is also an ordinary word; only check long ones as words.
if [[ ${#HN} -gt 3 ]]; then LEAK+="|\\b$HN\\b"; fi
if grep -rlE "$LEAK" "$OUT" --include='*.strace' --include='*.txt' --include='*.log' --include='*.json' 2>/dev/null; then
  log "WARNING: the files above mention a path or the host name of this machine"
fi
