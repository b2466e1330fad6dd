"""A real S3-compatible server for the tests: moto's standalone S3 server,
started as its own process and spoken to over HTTP by boto3 with an endpoint
address, exactly as an office points the app at its MinIO. (MinIO's own
server is not installable here: no PyPI, Debian or npm package.)"""

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.support.pg import free_port

ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key-0123456789"


class S3Server:
    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        moto = Path(sys.executable).with_name("moto_server")
        self.process = subprocess.Popen(
            [str(moto), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.endpoint, timeout=1).close()
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("moto_server exited") from None
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("moto_server did not start within 30 s")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def settings(self, bucket):
        """The app's settings for a bucket on this server."""
        return {
            "UPLOAD_S3_ENDPOINT": self.endpoint,
            "UPLOAD_S3_BUCKET": bucket,
            "UPLOAD_S3_ACCESS_KEY": ACCESS_KEY,
            "UPLOAD_S3_SECRET_KEY": SECRET_KEY,
        }
