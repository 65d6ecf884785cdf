#!/bin/sh
# Makes the strace samples in this folder with the real strace on this
# machine: small C programs and a loopback server of our own, run in a clean
# environment and a temporary folder (no paths of this machine in the logs).
#   sh samples/strace/make-samples.sh        (needs strace, gcc, python3, curl)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
run() { env -i PATH=/usr/bin:/bin "$@"; }

# sleeper: nanosleep(3 s) once, no handler: the kernel restarts the sleep after a stop
cat > sleeper.c <<'C'
#include <time.h>
#include <stdio.h>
int main(void) { struct timespec t = {3, 0}, rem; nanosleep(&t, &rem); puts("done"); return 0; }
C
# sleeper_h: the same with a SIGCONT handler installed without SA_RESTART:
# after the stop the sleep returns EINTR and the program moves on (cut short)
cat > sleeper_h.c <<'C'
#include <signal.h>
#include <string.h>
#include <time.h>
#include <stdio.h>
static void on_cont(int s) { (void)s; }
int main(void) {
  struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_handler = on_cont; sigaction(SIGCONT, &sa, 0);
  struct timespec t = {3, 0}, rem = {0, 0};
  int r = nanosleep(&t, &rem);
  printf("nanosleep=%d left=%ld.%09ld\n", r, (long)rem.tv_sec, rem.tv_nsec);
  return 0;
}
C
# poller_h: poll(…, 3000 ms) with the same handler: poll returns EINTR, the program gives up waiting
cat > poller_h.c <<'C'
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>
static void on_cont(int s) { (void)s; }
int main(void) {
  struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_handler = on_cont; sigaction(SIGCONT, &sa, 0);
  int p[2]; pipe(p);
  struct pollfd f = { p[0], POLLIN, 0 };
  int r = poll(&f, 1, 3000);
  printf("poll=%d\n", r);
  return 0;
}
C
# threads_h: three threads asleep in clock_nanosleep, SIGCONT handler without SA_RESTART:
# a group stop; the thread that runs the handler is cut short, the others restart
cat > threads_h.c <<'C'
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <stdio.h>
static void on_cont(int s) { (void)s; }
static void *nap(void *a) { (void)a; struct timespec t = {3, 0}; nanosleep(&t, 0); return 0; }
int main(void) {
  struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_handler = on_cont; sigaction(SIGCONT, &sa, 0);
  pthread_t a, b; pthread_create(&a, 0, nap, 0); pthread_create(&b, 0, nap, 0);
  struct timespec t = {3, 0}; int r = nanosleep(&t, 0);
  printf("main nanosleep=%d\n", r);
  pthread_join(a, 0); pthread_join(b, 0);
  return 0;
}
C
for p in sleeper sleeper_h poller_h threads_h; do gcc -O1 -pthread -o $p $p.c; done

# the traced program: the child of strace, itself the child of the background job $1
traced() { st=$(pgrep -o -P "$1"); pgrep -o -P "$st"; }

# stop and continue the traced program: $1 = output, rest = strace options
stopcont() {
  out=$1; shift
  run strace "$@" -o "$out" ./"$PROG" &
  sp=$!
  sleep 0.7
  pid=$(traced $sp)
  kill -STOP "$pid"; sleep 0.5; kill -CONT "$pid"
  wait $sp || true
}

PROG=sleeper   stopcont stopcont-restart.strace -tt -T
PROG=sleeper   stopcont stopcont-restart-ttt.strace -ttt -T
PROG=sleeper   stopcont stopcont-restart-r.strace -r
PROG=sleeper_h stopcont stopcont-handler-eintr.strace -tt -T
PROG=poller_h  stopcont stopcont-poll-eintr.strace -f -tt -T
PROG=threads_h stopcont stopcont-threads.strace -f -tt -T

# python's time.sleep retries with the time left after EINTR (PEP 475): re-issued, not cut short
cat > pysleep.py <<'PY'
import signal, time
signal.signal(signal.SIGCONT, lambda *a: None)
time.sleep(2)
PY
run strace -f -tt -T -e trace=clock_nanosleep,rt_sigreturn,rt_sigaction,exit_group -o stopcont-python-reissue.strace python3 pysleep.py &
sp=$!; sleep 0.7; pid=$(traced $sp); kill -STOP "$pid"; sleep 0.5; kill -CONT "$pid"; wait $sp || true

# -ff: one file per process, NAME.PID
mkdir -p ff
run strace -ff -tt -o ff/trace sh -c 'echo one >/dev/null; /bin/true; /bin/true'

# -tt -T -yy: curl against a loopback server that answers part of a response and resets the connection
cat > rst_server.py <<'PY'
import socket, struct, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1)
print("ready", flush=True)
c, _ = s.accept()
c.recv(65536)
c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"x" * 100)
time.sleep(0.3)
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()
PY
port=18056
: > srv.log
python3 rst_server.py $port > srv.log &
srv=$!
for i in 1 2 3 4 5 6 7 8 9 10; do grep -q ready srv.log && break; sleep 0.2; done
run strace -f -tt -T -yy -s 128 -o curl-reset-yy.strace curl -sS -o /dev/null http://127.0.0.1:$port/ || true
wait $srv || true

cp stopcont-*.strace curl-reset-yy.strace "$here"/
rm -rf "$here"/ff && cp -r ff "$here"/ff
ls -la "$here"
