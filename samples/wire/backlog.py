# A listening socket that never accepts, on 127.0.0.1, for the "SYNs dropped"
# wire sample: with a backlog of 0 the accept queue holds one connection, so
# the kernel answers the first SYN and silently drops the next ones (a server
# stuck and no longer accepting, as after a hung worker). Node cannot be used:
# it always accepts. Usage: python3 backlog.py  (prints `LISTENING <port>`)
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(0)
print("LISTENING", s.getsockname()[1], flush=True)
time.sleep(float(sys.argv[1]) if len(sys.argv) > 1 else 120)
