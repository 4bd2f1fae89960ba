"""Content-addressed file store: a file is kept under its SHA-256, outside the web root (the
instance folder by default), so the same bytes are stored once and a name never says more."""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import boto3
from botocore.exceptions import ClientError

_KEY = re.compile(r"^[0-9a-f]{64}$")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class LocalStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError("not a SHA-256 key")
        return self.root / key[:2] / key

    def put(self, data: bytes) -> str:
        key = sha256(data)
        path = self._path(key)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)  # atomic: a reader never sees half a file
        return key

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self._path(key).exists()


class S3Store:
    """The same store in an S3-compatible bucket (boto3): GRANTS_STORAGE_URL=
    s3://bucket/prefix?endpoint_url=https://...&region=...; credentials the usual AWS way
    (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, or a role)."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise ValueError("GRANTS_STORAGE_URL must look like s3://bucket/prefix")
        q = parse_qs(parts.query)
        self.bucket = parts.netloc
        self.prefix = parts.path.strip("/")
        self.client = boto3.client("s3", endpoint_url=(q.get("endpoint_url") or [None])[0],
                                   region_name=(q.get("region") or ["us-east-1"])[0])

    def _key(self, key: str) -> str:
        if not _KEY.match(key):
            raise ValueError("not a SHA-256 key")
        return f"{self.prefix}/{key[:2]}/{key}" if self.prefix else f"{key[:2]}/{key}"

    def put(self, data: bytes) -> str:
        key = sha256(data)
        if not self.exists(key):
            self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, ChecksumAlgorithm="SHA256")
        return key

    def get(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True


def store_for(instance_path, url: str | None = None):
    """The local folder instance/files by default; an S3 bucket when GRANTS_STORAGE_URL says so."""
    url = url if url is not None else os.environ.get("GRANTS_STORAGE_URL", "").strip()
    if url:
        return S3Store(url)
    return LocalStore(Path(instance_path) / "files")
