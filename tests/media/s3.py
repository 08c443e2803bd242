"""A real S3-protocol server for the tests: moto's server mode on a free port of this machine."""
from __future__ import annotations

import socket
import uuid

from hygiene.media.s3store import S3Store, s3_store


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server():
    """Start moto's threaded server; returns (server, endpoint URL)."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server, f"http://127.0.0.1:{port}"


def s3_settings(endpoint: str, bucket: str) -> dict[str, str]:
    """The app settings that choose the S3 store on the test server."""
    return {"PHOTO_STORE": "s3", "S3_ENDPOINT_URL": endpoint, "S3_BUCKET": bucket, "S3_REGION": "us-east-1",
            "S3_ACCESS_KEY": "testing", "S3_SECRET_KEY": "testing", "S3_PREFIX": "photos"}


def new_bucket_store(endpoint: str) -> S3Store:
    """An S3 store on a bucket of its own, made for one test."""
    bucket = f"hygiene-{uuid.uuid4().hex[:20]}"
    store = s3_store(s3_settings(endpoint, bucket))
    store.client.create_bucket(Bucket=bucket)
    return store
