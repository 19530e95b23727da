"""gunicorn's settings for Lantern (`gunicorn --config deploy/gunicorn.conf.py lantern.wsgi`).

Environment: LANTERN_BIND (default 127.0.0.1:8000, behind the reverse proxy), WEB_CONCURRENCY
(worker processes, default 2 x cores + 1, at most 8), GUNICORN_TIMEOUT (seconds, default 60).
No access log here: Lantern writes its own request log without query strings or names
(lantern/operations/logs.py); gunicorn's own log goes to standard error.
"""

import multiprocessing
import os

bind = os.environ.get("LANTERN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle each process now and then (bounded memory over months of running).
max_requests = 2000
max_requests_jitter = 200
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The reverse proxy on this machine may set X-Forwarded-Proto (Django trusts it only with TRUSTED_PROXY=1).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "lantern-web"
