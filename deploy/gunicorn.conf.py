"""gunicorn for the web processes behind nginx (deploy/nginx/hygiene.conf); settings from hygiene.env.

Run: gunicorn -c deploy/gunicorn.conf.py 'hygiene:create_app()'

Worker class: gthread. nginx buffers every request body and every response, so a worker only
ever sees a complete request and hands the answer back at once; the slow phone is nginx's to
wait for. What remains slow inside a request is waiting for PostgreSQL and decoding a photo
(Pillow releases the GIL), which threads overlap well. Not plain sync: one request per process
wastes memory on a machine serving hundreds of villages. Not gevent/eventlet: their monkey
patching fights psycopg, Pillow's C code and APScheduler's threads, and buys nothing once nginx
holds the slow connections. The scheduler is never started here (`flask --app hygiene
scheduler` is its own unit).
"""
import multiprocessing
import os

bind = os.environ.get("HYGIENE_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", str(min(2 * multiprocessing.cpu_count() + 1, 9))))
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))  # a request taking longer is stuck: restart its worker
graceful_timeout = 30
keepalive = 5  # for clients other than nginx (nginx opens a connection per request: see its site file)
max_requests = 2000  # recycle workers now and then: Pillow's buffers fragment memory over time
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("WEB_ACCESS_LOG", "-")
errorlog = "-"
# the application's configuration comes from the environment (hygiene.env), read in create_app
raw_env = [f"HYGIENE_CONFIG={os.environ.get('HYGIENE_CONFIG', 'production')}"]


def post_worker_init(worker):
    """Before a new worker (at start, or recycled after max_requests) accepts: its database
    connections open, the common templates compiled, the catalogues loaded (hygiene/core/warmup.py)."""
    from flask import Flask

    from hygiene.core.warmup import warm_up

    if isinstance(worker.wsgi, Flask):
        warm_up(worker.wsgi, connections=threads)
