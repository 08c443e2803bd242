"""The photo store in an S3-compatible object store (a county's cloud), chosen by PHOTO_STORE=s3.

The all-or-nothing rule of store.py holds: a key is visible only once its folder's MARKER
object exists. S3 makes each PutObject atomic (a reader sees the old object or the new one), and
writers put the marker last, so a crash between puts leaves objects nobody sees.
"""
from __future__ import annotations

import io
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from hygiene.media.store import MARKER, PhotoStore, _key_parts

_CLIENTS: dict[tuple, Any] = {}
_CLIENTS_LOCK = threading.Lock()
_MISSING = {"404", "NoSuchKey", "NotFound"}


class S3Store(PhotoStore):
    """Photo files as objects in one bucket, under an optional key prefix."""

    def __init__(self, client: Any, bucket: str, prefix: str = ""):
        self.client, self.bucket = client, bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    def exists(self, key: str) -> bool:
        """Return whether the key is stored and its set committed."""
        return self._committed(key) and self._has(self._name(key))

    def put(self, key: str, data: bytes) -> None:
        """Store the bytes as one object (S3 replaces an object atomically)."""
        self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data)

    def open(self, key: str) -> BinaryIO:
        """Read a visible key into memory (photos are bounded by PHOTO_MAX_BYTES)."""
        name = self._name(key)
        if not self._committed(key):
            raise FileNotFoundError(key)
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=name)["Body"]
        except self.client.exceptions.ClientError as error:
            if _missing(error):
                raise FileNotFoundError(key) from error
            raise
        with body:
            return io.BytesIO(body.read())

    def path_or_none(self, key: str) -> Path | None:
        """No local path: objects are sent by reading them through `open`."""
        self._name(key)  # an unsafe key is refused here too
        return None

    def keys(self) -> Iterator[str]:
        """Every stored key, committed or not, as `put` takes it."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", ()):
                yield item["Key"][len(self.prefix):]

    def _name(self, key: str) -> str:
        return self.prefix + "/".join(_key_parts(key))

    def _committed(self, key: str) -> bool:
        folder = self._name(key).rpartition("/")[0]
        return self._has(f"{folder}/{MARKER}")

    def _has(self, name: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=name)
        except self.client.exceptions.ClientError as error:
            if _missing(error):
                return False
            raise
        return True


def _missing(error: Any) -> bool:
    return str(error.response.get("Error", {}).get("Code")) in _MISSING


def s3_store(config: Mapping[str, Any]) -> S3Store:
    """The S3 store the configuration names (S3_BUCKET, S3_ENDPOINT_URL, keys, region, prefix)."""
    if not config.get("S3_BUCKET"):
        raise RuntimeError("PHOTO_STORE=s3 needs S3_BUCKET (and usually S3_ENDPOINT_URL and keys).")
    return S3Store(_client(config), config["S3_BUCKET"], config.get("S3_PREFIX", ""))


def _client(config: Mapping[str, Any]) -> Any:
    """One client per settings for the life of the process: making one costs tens of ms."""
    settings = tuple(config.get(name) or None for name in (
        "S3_ENDPOINT_URL", "S3_REGION", "S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_ADDRESSING_STYLE"))
    with _CLIENTS_LOCK:
        if settings not in _CLIENTS:
            import boto3  # type: ignore[import-untyped]  # no stubs shipped
            from botocore.config import Config as BotoConfig  # type: ignore[import-untyped]

            endpoint, region, access, secret, style = settings
            _CLIENTS[settings] = boto3.session.Session().client(
                "s3", endpoint_url=endpoint, region_name=region or "us-east-1",
                aws_access_key_id=access, aws_secret_access_key=secret,
                config=BotoConfig(s3={"addressing_style": style or "path"}, connect_timeout=5,
                                  read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}))
        return _CLIENTS[settings]
