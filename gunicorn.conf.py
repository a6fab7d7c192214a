"""gunicorn settings for production. Override any of them with GUNICORN_CMD_ARGS."""

import multiprocessing
import os

bind = os.environ.get("HOATOC_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("HOATOC_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("HOATOC_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
# The app is created in each worker after fork: no database connection is shared across processes.
preload_app = False
timeout = 60
graceful_timeout = 30
keepalive = 5
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
# No query strings in the access log: they may carry tracking numbers of classified consignments.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
forwarded_allow_ips = os.environ.get("HOATOC_FORWARDED_ALLOW_IPS", "127.0.0.1")


def child_exit(server, worker):
    # With PROMETHEUS_MULTIPROC_DIR set, a dead worker's live gauges must not be summed any more.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
