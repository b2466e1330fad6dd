"""A real local HTTP server standing in for a message provider: it records what
it received and answers as told (accept, fail with a status, stay silent past
the client's timeout, close the connection, or accept slowly)."""

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class Received:
    path: str
    headers: dict  # names in lower case
    body: bytes

    def json(self):
        return json.loads(self.body)

    def form(self):
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class FakeProvider:
    """Modes: "ok", an HTTP status (500, 400, 429), "silent" (answers after
    `delay` seconds, past the client's timeout), "close" (drops the
    connection), "slow" (accepts after `delay` seconds)."""

    mode: object = "ok"
    delay: float = 0.0
    received: list = field(default_factory=list)
    answered: list = field(default_factory=list)  # received and answered 2xx
    arrived: threading.Event = field(default_factory=threading.Event)

    def start(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                headers = {k.lower(): v for k, v in self.headers.items()}
                item = Received(self.path, headers, self.rfile.read(length))
                provider.received.append(item)
                provider.arrived.set()
                mode = provider.mode
                if mode in ("silent", "slow"):
                    time.sleep(provider.delay)
                if mode == "close":
                    self.close_connection = True
                    self.connection.close()
                    return
                status = mode if isinstance(mode, int) else 200
                if status == 200:
                    provider.answered.append(item)
                answer = _answer(self.path, status)
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def _answer(path, status):
    """What each kind of provider says."""
    if status >= 400:
        if "/messages" in path:  # Meta's error shape
            return {
                "error": {"message": "Recipient phone number not valid", "code": 131026}
            }
        return {"status": False, "reason": "invalid target"}
    if "/messages" in path:
        return {"messages": [{"id": f"wamid.{uuid.uuid4().hex}"}]}
    if "/gateway" in path:
        return {"status": True, "id": [str(uuid.uuid4().int % 10**8)]}
    return {"id": f"hook-{uuid.uuid4().hex[:12]}"}
