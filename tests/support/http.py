"""A small keep-alive HTTP client for driving the real server (standard library only).

One ``SiteClient`` is one resident's browser: one TCP connection reused for
every request, and the cookies the site sets. ``submit()`` applies the way a
browser does: GET /apply, take the CSRF token and the form token from the page,
POST the answers with step=confirm, and read the tracking number from the 303.
"""

from __future__ import annotations

import html
import http.client
import re
import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from tests.support.factories import form_data

RECEIPT_LOCATION = re.compile(r"/t/([0-9A-Z]{9})/receipt\?new=1$")


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class SubmitFailed(AssertionError):
    """The site did not answer a step of applying as a browser expects."""

    def __init__(self, step: str, response: Response):
        super().__init__(f"{step}: HTTP {response.status}: {response.text[:500]}")
        self.response = response


def hidden_value(page: str, name: str) -> str:
    """The value of the hidden input called ``name`` in an HTML page."""
    for tag in re.findall(r"<input\b[^>]*>", page):
        if f'name="{name}"' in tag:
            found = re.search(r'\bvalue="([^"]*)"', tag)
            if found:
                return html.unescape(found.group(1))
    raise LookupError(f"no hidden input {name!r} in the page")


class SiteClient:
    def __init__(self, base_url: str, timeout: float = 30.0):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.connection = self._connect()

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)

    def request(self, method, path, body=None, headers=None) -> Response:
        """Send one request on the kept-alive connection; redirects are not followed."""
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=headers)
            raw = self.connection.getresponse()
            response = Response(raw.status, raw.headers, raw.read())
        except (OSError, http.client.HTTPException):
            # The next request must not reuse a connection in an unknown state.
            self.close()
            self.connection = self._connect()
            raise
        for cookie in response.headers.get_all("Set-Cookie") or ():
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.headers.get("Connection", "").lower() == "close":
            self.close()
            self.connection = self._connect()
        return response

    def get(self, path: str, headers=None) -> Response:
        return self.request("GET", path, headers=headers)

    def post_form(self, path: str, fields: dict, headers=None) -> Response:
        body = urlencode(fields).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            **(headers or {}),
        }
        return self.request("POST", path, body=body, headers=headers)

    def submit(self, **changes) -> str:
        """Apply through the public form; returns the tracking number of the receipt."""
        page = self.get("/apply")
        if page.status != 200:
            raise SubmitFailed("GET /apply", page)
        fields = form_data(**changes)
        fields.update(
            csrf_token=hidden_value(page.text, "csrf_token"),
            form_token=secrets.token_urlsafe(24),
            step="confirm",
        )
        # All the answers at once to "check your answers", as its Send does.
        answer = self.post_form("/apply/check", fields)
        found = RECEIPT_LOCATION.search(answer.headers.get("Location", ""))
        if answer.status != 303 or not found:
            raise SubmitFailed("POST /apply/check", answer)
        return found.group(1)

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> SiteClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Submitters:
    """``clients`` threads, each with its own kept-alive connection, submitting
    until ``total`` receipts have been asked for or ``stop()`` is called.

    Thread ``i`` talks to ``urls[i % len(urls)]``, so several app servers share
    the work. A thread ends at its first failure (kept in ``errors``): after a
    crash each fails once instead of flooding the log. ``numbers`` holds every
    tracking number a receipt was returned for, as it happens.
    """

    def __init__(self, urls, total, clients=16):
        self.urls, self.total, self.clients = list(urls), total, clients
        self.numbers: list[str] = []
        self.errors: list[str] = []
        self.seconds = 0.0
        self._issued = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def _take_one(self) -> bool:
        with self._lock:
            if self._stop.is_set() or self._issued >= self.total:
                return False
            self._issued += 1
            return True

    def _work(self, index):
        with SiteClient(self.urls[index % len(self.urls)]) as client:
            while self._take_one():
                try:
                    self.numbers.append(client.submit())
                except Exception as error:  # every failure is a finding
                    self.errors.append(f"{type(error).__name__}: {error}")
                    return

    def start(self) -> Submitters:
        self._started = time.monotonic()
        self._threads = [
            threading.Thread(target=self._work, args=(i,), daemon=True)
            for i in range(self.clients)
        ]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout=120.0) -> Submitters:
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        if any(thread.is_alive() for thread in self._threads):
            raise AssertionError(f"submitters still running after {timeout} s")
        self.seconds = time.monotonic() - self._started
        return self


def submit_concurrently(urls, total, clients=16, timeout=600.0) -> Submitters:
    """Submit ``total`` requests from ``clients`` threads and wait for them."""
    return Submitters(urls, total, clients).start().join(timeout)
