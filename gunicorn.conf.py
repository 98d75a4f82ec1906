"""gunicorn settings. Every value can be overridden from the environment or the command line."""

import multiprocessing
import os

# Loopback by default: put a reverse proxy (TLS, compression of dynamic pages) in front in production.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# One worker per core, each with a pool of threads (gthread). A sync worker gives itself whole to
# one connection until its request has fully arrived, so two clients sending their headers slowly
# held both sync workers and the site stopped answering. A thread waits instead, and the others
# go on serving; 32 threads a worker keeps 20 such clients from filling even one worker, at about
# 10-15% more CPU per page than sync workers. gevent (no thread per connection, but monkey-patching
# and one database connection per client) had a p99 of 3 s under load; gunicorn's ASGI worker
# served a tenth of the pages. Measured: docs/operations.md, "Slow clients".
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", 32))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
keepalive = 5
# Load the app once in the master so workers start fast and share memory.
preload_app = True
# No gunicorn access log: the site logs one line per request itself, without client addresses or
# query strings (clinic/middleware.py). Set GUNICORN_ACCESSLOG=- to add gunicorn's own.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
# gunicorn 27 opens a control socket at a fixed path; several instances on one machine (the
# benchmark, the scale-out test) would fight over it, and the site does not use it.
control_socket_disable = True
