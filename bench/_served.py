"""Serving the app in a subprocess for throughput benches: a page beside a bare Flask route.

The server is waitress (what `make run` serves with) unless `werkzeug` is asked for (threaded;
what the older benches used); the same server serves both routes, and WORKERS keep-alive client threads ask for one path for
SECONDS after a warm-up. Client and server share the machine's cores.
"""
from __future__ import annotations

import http.client
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKERS, SECONDS, WARM_SECONDS = 8, 5.0, 1.0
BARE = "/bench-bare"


def serve(url: str, kind: str = "waitress", warm: bool = True) -> None:
    """In the subprocess: the app with a bare route added; print the port, then serve."""
    import logging
    import socket

    from bench.ranking import make_app

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from config import Config

    app = make_app(url)
    app.config["PUBLIC_PAGE_RECHECK_SECONDS"] = Config.PUBLIC_PAGE_RECHECK_SECONDS  # as served, not the tests' 0
    app.add_url_rule(BARE, "bench_bare", view_func=lambda: "ok")
    if warm:  # as `flask serve` and gunicorn's workers do before they accept (hygiene/core/warmup.py)
        from hygiene.core.warmup import warm_up

        warm_up(app, connections=WORKERS)
    if kind == "werkzeug":
        from werkzeug.serving import make_server

        server = make_server("127.0.0.1", 0, app, threaded=True)
        print(server.server_port, "werkzeug", flush=True)
        server.serve_forever()
        return
    from waitress.server import create_server

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = create_server(app, sockets=[sock], threads=WORKERS)
    print(sock.getsockname()[1], "waitress", flush=True)
    server.run()


@contextmanager
def server(url: str, kind: str = "waitress", *, warm: bool = True):
    """A server of the app in a subprocess, warmed up before it listens unless told not to;
    yields (port, server name)."""
    process = subprocess.Popen([sys.executable, "-m", "bench._served", url, kind, "warm" if warm else "cold"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        port, name = process.stdout.readline().split()
        yield int(port), name
    finally:
        process.terminate()
        process.wait(10)


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def hammer(port: int, path: str, seconds: float = SECONDS) -> tuple[float, dict]:
    """Requests per second of WORKERS keep-alive clients asking for `path` for `seconds`."""
    stop = time.perf_counter() + seconds

    def worker() -> dict:
        conn, codes = http.client.HTTPConnection("127.0.0.1", port, timeout=30), {}
        while time.perf_counter() < stop:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            codes[response.status] = codes.get(response.status, 0) + 1
            if response.will_close:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()
        return codes

    started = time.perf_counter()
    with ThreadPoolExecutor(WORKERS) as pool:
        results = list(pool.map(lambda _: worker(), range(WORKERS)))
    elapsed = time.perf_counter() - started
    codes: dict[int, int] = {}
    for result in results:
        for code, n in result.items():
            codes[code] = codes.get(code, 0) + n
    return sum(codes.values()) / elapsed, codes


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2], sys.argv[3] == "warm")
