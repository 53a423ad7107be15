"""Starts moto's server (`moto_server`, from the project's virtualenv) with two changes that
cost nothing in behaviour and save most of its CPU per request; every test and benchmark
starts moto through this file (tests/support/moto.rs, scripts/moto-lib.sh).

- werkzeug's one-line-per-request log is off (warnings and errors, such as the traceback
  behind a 500, are still written);
- the listen backlog is 1,024 connections instead of werkzeug's 128: an organisation scan
  opens more at once, and the kernel resets what overflows the backlog, which the client
  then retries after a back-off (a delay real AWS endpoints do not add);
- the dispatcher's choice of service backend for a host name is remembered: moto's own
  `get_backend_for_host` lists moto's package directory (one `stat` per service folder) and
  tries every service's URL patterns on every request, under a lock that serialises all
  requests. The answer depends on the host name alone and the folders do not change while the
  server runs.

moto is one Python process that every request of a test or an organisation scan waits on;
with these, the 20-account organisation benchmark costs it 5.0 s of CPU instead of 8.0 s, and
no connection is reset (docs/development.md, "Performance"). Arguments are moto_server's
(`-H 127.0.0.1 -p PORT`).

Usage: python scripts/moto_server.py -H 127.0.0.1 -p PORT
"""

import logging
import sys

from moto.moto_server import werkzeug_app
from moto.server import main
from werkzeug import serving

logging.getLogger("werkzeug").setLevel(logging.WARNING)
serving.BaseWSGIServer.request_queue_size = 1024

_dispatch = getattr(werkzeug_app.DomainDispatcherApplication, "get_backend_for_host", None)
if _dispatch is not None:
    _backends = {}

    def _remembered(self, host):
        if host not in _backends:
            _backends[host] = _dispatch(self, host)
        return _backends[host]

    werkzeug_app.DomainDispatcherApplication.get_backend_for_host = _remembered

if __name__ == "__main__":
    main(sys.argv[1:])
