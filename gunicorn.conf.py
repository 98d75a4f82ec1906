"""gunicorn settings. Every value can be overridden from the environment or the command line."""

import multiprocessing
import os

# Loopback by default: put a reverse proxy (TLS, compression of dynamic pages) in front in production.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# One sync worker per core: on this project's 2-core machines that beat the usual 2 x cores + 1 on
# both throughput and tail latency (see bench/README.md).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = "sync"
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
