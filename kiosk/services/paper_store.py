"""Where the residents' files are kept: a folder or an S3-compatible bucket.

Both keep bytes under a random name (the row in RequestPaper says what they
are) and nothing else: no resident's name or file name ever reaches the
storage. The folder is outside static/ (by default instance/uploads), so the
web server never serves it; with several app servers it must be a shared
folder (NFS), or the files go to a bucket (MinIO, Ceph, AWS S3 and the like)
through boto3 with the bucket's endpoint address.
"""

import os
import secrets
import tempfile
from pathlib import Path

from flask import current_app

_NAME_BYTES = 24  # token_urlsafe: 32 characters, 192 random bits


def new_id():
    """A fresh random name for a file."""
    return secrets.token_urlsafe(_NAME_BYTES)


def _checked(name):
    # Names are ours (new_id), but a name read back from a row is checked
    # anyway before it becomes part of a path or a key.
    if not name or not all(c.isalnum() or c in "-_." for c in name) or ".." in name:
        raise ValueError(f"not a stored file's name: {name!r}")
    return name


class FolderStore:
    """Files in a folder, readable by the server's own user only."""

    def __init__(self, folder):
        self.folder = Path(folder)

    def put(self, name, data):
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        target = self.folder / _checked(name)
        # Written beside and renamed: a reader never sees half a file.
        descriptor, temporary = tempfile.mkstemp(dir=self.folder, prefix=".part.")
        try:
            with os.fdopen(descriptor, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, name):
        """The file's bytes, or None when there is no such file."""
        try:
            return (self.folder / _checked(name)).read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, name):
        (self.folder / _checked(name)).unlink(missing_ok=True)

    def exists(self, name):
        return (self.folder / _checked(name)).exists()


class BucketStore:
    """Files as objects in an S3-compatible bucket."""

    def __init__(self, client, bucket, prefix=""):
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    def _key(self, name):
        return f"{self.prefix}{_checked(name)}"

    def put(self, name, data):
        self.client.put_object(
            Bucket=self.bucket,
            Key=self._key(name),
            Body=data,
            ContentType="application/octet-stream",
        )

    def get(self, name):
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(name))
        except self.client.exceptions.NoSuchKey:
            return None
        return answer["Body"].read()

    def delete(self, name):
        self.client.delete_object(Bucket=self.bucket, Key=self._key(name))

    def exists(self, name):
        return self.get(name) is not None


def from_config(config, instance_path):
    """The store the settings describe (UPLOAD_S3_BUCKET set: a bucket)."""
    bucket = config.get("UPLOAD_S3_BUCKET")
    if bucket:
        import boto3
        from botocore.config import Config

        client = boto3.client(
            "s3",
            endpoint_url=config.get("UPLOAD_S3_ENDPOINT") or None,
            region_name=config.get("UPLOAD_S3_REGION") or "us-east-1",
            aws_access_key_id=config.get("UPLOAD_S3_ACCESS_KEY") or None,
            aws_secret_access_key=config.get("UPLOAD_S3_SECRET_KEY") or None,
            # MinIO and most self-hosted stores want bucket names in the path.
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3}),
        )
        return BucketStore(client, bucket, config.get("UPLOAD_S3_PREFIX") or "")
    folder = config.get("UPLOAD_PATH") or os.path.join(instance_path, "uploads")
    return FolderStore(folder)


def init_app(app):
    app.extensions["paper_store"] = from_config(app.config, app.instance_path)


def store():
    """This app's store."""
    return current_app.extensions["paper_store"]
