"""Page weight on a first visit, and the staff sign-in the queue scenarios need.

A first visit downloads the HTML and everything it links: stylesheets (and what
they import or point at), scripts, icons and images. Each resource is counted
raw and gzip-compressed (level 6, what a compressing server or proxy sends for
text; images already compressed count as they are).
"""

import gzip
import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")
HX_ATTRIBUTE = re.compile(r"\shx-[a-z]+=")


class _Links(HTMLParser):
    """Collects what a browser fetches for a page, and hidden form values."""

    def __init__(self):
        super().__init__()
        self.resources = []
        self.hidden = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        rel = (attrs.get("rel") or "").lower().split()
        if tag == "link" and ({"stylesheet", "icon", "preload"} & set(rel)):
            self.resources.append(("css" if "stylesheet" in rel else "link", attrs))
        elif tag == "script" and attrs.get("src"):
            self.resources.append(("js", attrs))
        elif tag == "img" and attrs.get("src"):
            self.resources.append(("img", attrs))
        elif tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.hidden[attrs["name"]] = attrs.get("value") or ""


def opener(cookies=None):
    jar = http.cookiejar.CookieJar()
    for name, value in (cookies or {}).items():
        jar.set_cookie(_cookie(name, value))
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)), jar


def _cookie(name, value):
    return http.cookiejar.Cookie(
        0, name, value, None, False, "127.0.0.1", False, False, "/", True,
        False, None, False, None, None, {},
    )  # fmt: skip


def _get(client, url):
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with client.open(request, timeout=30) as response:
        wire = response.read()
        encoding = response.headers.get("Content-Encoding", "")
        body = gzip.decompress(wire) if encoding == "gzip" else wire
        return response.status, response.headers.get_content_type(), body, len(wire)


def _gzip_size(content_type, body):
    if content_type.startswith(TEXT_TYPES):
        return len(gzip.compress(body, compresslevel=6, mtime=0))
    return len(body)


def weigh(base_url, path, cookies=None):
    """Everything a first visit to `path` downloads, with sizes; and the HTML."""
    client, _ = opener(cookies)
    page_url = base_url + path
    status, content_type, html, wire = _get(client, page_url)
    parser = _Links()
    parser.feed(html.decode("utf-8", "replace"))
    items = [_item("html", path, content_type, html, wire, status)]
    seen = {path}
    queue = [
        (kind, attrs.get("href") or attrs.get("src"))
        for kind, attrs in parser.resources
    ]
    while queue:
        kind, link = queue.pop(0)
        url = urllib.parse.urljoin(page_url, link)
        if not url.startswith(base_url) or url in seen:
            continue  # data: URIs are part of the HTML already
        seen.add(url)
        status, content_type, body, wire = _get(client, url)
        items.append(
            _item(kind, url[len(base_url) :], content_type, body, wire, status)
        )
        if content_type == "text/css":
            text = body.decode("utf-8", "replace")
            for match in CSS_URL.finditer(text):
                queue.append(("css-ref", match.group(1) or match.group(2)))
    text = html.decode("utf-8", "replace")
    return text, {
        "html_raw_bytes": len(html),
        "html_gzip_bytes": _gzip_size("text/html", html),
        "html_gzip_cpu_ms": gzip_cpu_ms(html),
        "path": path,
        "status": items[0]["status"],
        "raw_bytes": sum(i["raw"] for i in items),
        "gzip_bytes": sum(i["gzip"] for i in items),
        "wire_bytes": sum(i["wire"] for i in items),
        "js_bytes": sum(i["raw"] for i in items if i["kind"] == "js"),
        "uses_htmx_attributes": bool(HX_ATTRIBUTE.search(text)),
        "server_compresses": any(i["wire"] < i["raw"] for i in items),
        "resources": items,
    }


def gzip_cpu_ms(body, rounds=200):
    """CPU time to gzip `body` at level 6, as an app compressing its own
    pages would on every answer (the median of `rounds`)."""
    times = []
    for _ in range(rounds):
        started = time.thread_time()
        gzip.compress(body, compresslevel=6, mtime=0)
        times.append(time.thread_time() - started)
    return sorted(times)[len(times) // 2] * 1000


def _item(kind, path, content_type, body, wire, status):
    return {
        "kind": kind,
        "path": path,
        "type": content_type,
        "status": status,
        "raw": len(body),
        "gzip": _gzip_size(content_type, body),
        "wire": wire,
    }


def sign_in(base_url, username, password):
    """Sign in through the real form; returns the session cookie's value."""
    client, jar = opener()
    login = base_url + "/staff/login"
    status, _, html, _ = _get(client, login)
    parser = _Links()
    parser.feed(html.decode("utf-8", "replace"))
    fields = dict(parser.hidden, username=username, password=password)
    body = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(login, data=body, method="POST")
    with client.open(request, timeout=60) as response:  # follows the 303
        landed = response.geturl()
    session = next((c.value for c in jar if c.name == "session"), None)
    if "/staff/login" in landed or not session:
        raise RuntimeError(f"staff sign-in failed (ended at {landed})")
    return session


def etag_of(base_url, path, cookies=None):
    """The ETag a GET of `path` answers with (a bench run fails without one)."""
    client, _ = opener(cookies)
    with client.open(base_url + path, timeout=30) as response:
        tag = response.headers.get("ETag")
    if not tag:
        raise RuntimeError(f"GET {path} answered without an ETag")
    return tag


def status_of(base_url, path, cookies=None):
    """Status of a GET without following redirects (to check access works)."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    jar = http.cookiejar.CookieJar()
    for name, value in (cookies or {}).items():
        jar.set_cookie(_cookie(name, value))
    client = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(jar), _NoRedirect()
    )
    try:
        with client.open(base_url + path, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
