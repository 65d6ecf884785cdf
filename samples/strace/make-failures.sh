#!/bin/sh
# Real strace logs of the plain failures containerised services hit (issue 13):
# a mail() whose postdrop finds no postfix pickup socket, a write into a
# root-owned folder as nobody, a missing folder, a refused port (curl, with its
# own -v output beside), a refused connect retried successfully, a missing
# binary, DNS to a loopback resolver that never answers, a client given a wrong
# port by an environment variable (-v shows it), a missing mysql socket, and a
# healthy program's noise (library probing, nscd, execvp walking $PATH).
#
# Run from the repository as root (setpriv, unshare and a bind mount need it):
#   sh samples/strace/make-failures.sh
# Every trace runs under `env -i PATH=/usr/bin:/bin` in a fresh folder under
# /tmp, so the logs hold no paths of this machine. Only loopback is used.
set -eu
out="$(cd "$(dirname "$0")" && pwd)/failures"
mkdir -p "$out"
work="$(mktemp -d /tmp/fl-failures.XXXXXX)"
trap 'rm -rf "$work"' EXIT
cd "$work"
ST="strace -f -tt -T -yy -s 256"
E="env -i PATH=/usr/bin:/bin"

# --- mail(): php → sh -c "sendmail -t -i" → sendmail → postdrop → connect(pickup) ENOENT
mkdir -p bin
cat > bin/postdrop <<'EOF'
#!/usr/bin/python3 -S
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect("/var/spool/postfix/public/pickup")
except OSError as e:
    sys.stderr.write("postdrop: warning: unable to look up public/pickup: %s\n" % e.strerror)
    sys.exit(75)
EOF
cat > bin/sendmail <<'EOF'
#!/bin/sh
cat >/dev/null
exec postdrop -r
EOF
cat > php-mail.sh <<'EOF'
#!/bin/sh
# what PHP's mail() does: popen("/usr/sbin/sendmail -t -i") and write the message
printf 'To: a@example.com\nSubject: t\n\nhello\n' | sh -c "sendmail -t -i"
echo "mail() returned $?" >&2
EOF
chmod +x bin/postdrop bin/sendmail php-mail.sh
$E PATH=$work/bin:/usr/bin:/bin $ST -o "$out/mail-pickup-missing.strace" ./php-mail.sh 2>/dev/null || true

# --- write into a root-owned folder as an unprivileged user
mkdir -p logs && chmod 755 logs
$E $ST -o "$out/write-denied.strace" setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c 'echo started >> logs/app.log' 2>/dev/null || true

# --- a folder that was never created
$E $ST -o "$out/path-missing.strace" sh -c 'echo 1 > var/cache/app/state.json' 2>/dev/null || true

# --- a refused port: curl's own -v output beside the trace
$E $ST -o "$out/connect-refused-curl.strace" curl -sS -v http://127.0.0.1:18099/ 2>"$out/../../curl/refused-traced-verbose.txt" || true

# --- a refused connect the program retries successfully (info, not an error)
cat > retry.py <<'EOF'
import socket, time
addr = ("127.0.0.1", 18098)
c = socket.socket()
try:
    c.connect(addr)
except ConnectionRefusedError:
    srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(addr); srv.listen(1)
    time.sleep(0.1)
    c = socket.socket(); c.connect(addr); c.sendall(b"ping"); srv.accept()[0].recv(4)
EOF
$E $ST -o "$out/connect-refused-retried.strace" python3 -S retry.py 2>/dev/null || true

# --- a binary that is not installed: the shell walks $PATH and gives up (127)
$E $ST -o "$out/exec-missing.strace" sh -c 'sendmail -t </dev/null' 2>/dev/null || true

# --- DNS: a loopback "resolver" that reads queries and never answers
cat > deaf.py <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 53))
open(sys.argv[1], "w").close()
end = time.time() + 20
s.settimeout(1)
while time.time() < end:
    try: s.recvfrom(512)
    except socket.timeout: pass
EOF
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' > resolv.conf
python3 deaf.py ready & deaf=$!
while [ ! -e ready ]; do sleep 0.05; done
unshare -m sh -c "mount --bind $work/resolv.conf /etc/resolv.conf && $E $ST -o '$out/dns-no-reply.strace' getent ahostsv4 service.internal.example" >/dev/null 2>&1 || true
kill $deaf 2>/dev/null || true
# the same resolver address with nothing listening: the query is refused (ICMP port unreachable → ECONNREFUSED)
sleep 0.3
unshare -m sh -c "mount --bind $work/resolv.conf /etc/resolv.conf && $E $ST -o '$out/dns-refused.strace' getent ahostsv4 service.internal.example" >/dev/null 2>&1 || true

# --- a client given the wrong port by an environment variable (-v: the environment is in the trace)
python3 -c 'import socket,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1",18080)); s.listen(8); time.sleep(6)' & srv=$!
sleep 0.3
env -i PATH=/usr/bin:/bin REVIEWS_URL=http://127.0.0.1:18081/reviews $ST -v -o "$out/wrong-port-env.strace" sh -c 'curl -sS --max-time 2 "$REVIEWS_URL"' 2>/dev/null || true
kill $srv 2>/dev/null || true

# --- a missing mysql socket
$E $ST -o "$out/mysql-socket-missing.strace" python3 -S -c 'import socket
s=socket.socket(socket.AF_UNIX)
try: s.connect("/var/run/mysqld/mysqld.sock")
except OSError as e: raise SystemExit("SQLSTATE[HY000] [2002] %s" % e.strerror)' 2>/dev/null || true

# --- a healthy program: library probing ENOENTs, glibc's nscd socket, execvp walking $PATH
env -i PATH=/nonexistent/bin:/usr/local/bin:/usr/bin:/bin $ST -o "$out/healthy-noise.strace" sh -c 'getent passwd root >/dev/null; env true; python3 -S -c "import json" ; ls /nonexistent 2>/dev/null; true' 2>/dev/null || true

ls -la "$out"
