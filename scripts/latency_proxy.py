"""A loopback HTTP proxy that adds a fixed delay to every answer: a model of real AWS
latency for scripts/bench-org.sh. Forwards every request to the upstream (moto) unchanged
and counts the requests; on SIGTERM it writes the count to COUNT_FILE.

Usage: latency_proxy.py PORT UPSTREAM_URL DELAY_MS COUNT_FILE   (127.0.0.1 only)
"""

import http.client
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

port, upstream, delay_ms, count_file = int(sys.argv[1]), urlsplit(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
assert upstream.hostname == "127.0.0.1", "loopback only"
lock = threading.Lock()
count = 0
HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def forward(self):
        global count
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(delay_ms / 1000)
        conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=120)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
        conn.request(self.command, self.path, body=body, headers=headers)
        answer = conn.getresponse()
        data = answer.read()
        self.send_response(answer.status, answer.reason)
        for k, v in answer.getheaders():
            if k.lower() not in HOP:
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        conn.close()
        with lock:
            count += 1

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = forward


def stop(*_):
    with open(count_file, "w") as f:
        f.write(f"{count}\n")
    sys.exit(0)


signal.signal(signal.SIGTERM, stop)
# The default listen backlog (5) drops connections when twenty accounts' scanners connect at
# once; the refused connections are then retried after the kernel's SYN timeout, a delay that
# real AWS endpoints do not add.
ThreadingHTTPServer.request_queue_size = 1024
server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
server.daemon_threads = True
server.serve_forever()
