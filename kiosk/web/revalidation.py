"""Letting a phone check that its copy of a tracking page is still right.

The tracking page and the tracking API answer with a strong ETag, a
Last-Modified date and `Cache-Control: no-cache, private`: the browser keeps
the answer (never a shared cache) and asks again each time with
If-None-Match; when nothing changed it gets a bodiless 304 instead of the
page, read from one row (data/public_record.version_of) before anything is
rendered. A resident reloading on a slow phone waits for a few hundred bytes.

The tag is an HMAC, under the app's secret key, of everything the answer is
made from: which answer (page or JSON, its address), the request's number,
status version, due date and count of other public changes
(models.PublicChange), the language, the office's date (a request turns late
overnight), the office settings and document types, and this release's
templates, code and catalogs. Without the key no tag can be made, so a 304
never tells which numbers exist; a number that does not exist gets its 404
and no tag. The view is wrapped in the lookup rate limit, so 304s count
against it like any lookup.
"""

import base64
import datetime as dt
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, request

from kiosk.data import public_record
from kiosk.data.models import DocumentType
from kiosk.web import caches
from kiosk.web.dates import office_today
from kiosk.web.i18n import current_locale
from kiosk.web.security import keyed_digest

CACHE_CONTROL = "no-cache, private"
# What a release changes that can change a page: read once when the app starts.
RELEASE_GLOBS = (("kiosk", "**/*.py"), ("templates", "**/*.html"))
RELEASE_GLOBS += (("translations", "**/*.mo"),)


@dataclass(frozen=True)
class Revalidation:
    """A public answer's validators, made before it is rendered."""

    tag: str
    last_modified: dt.datetime  # naive UTC
    version: public_record.PublicVersion

    def still_fresh(self):
        """True when the browser's copy is this one (If-None-Match)."""
        return request.if_none_match.contains_weak(self.tag)

    def not_modified(self):
        response = current_app.response_class(status=304)
        del response.headers["Content-Type"]  # a 304 has no body to describe
        return self.attach(response)

    def attach(self, response):
        response.set_etag(self.tag)
        response.last_modified = self.last_modified.replace(tzinfo=dt.UTC)
        response.headers["Cache-Control"] = CACHE_CONTROL
        return response


def of_request(number, kind):
    """The Revalidation of the canonical `number`'s `kind` of answer ("page",
    "json"), or None when there is no such request."""
    version = public_record.version_of(number)
    if version is None:
        return None
    parts = (
        kind,
        request.full_path,
        number,
        version.version,
        version.due_date,
        version.changes,
        current_locale(),
        office_today(),
        caches.public_settings_digest(_settings_digest),
        current_app.extensions["release_digest"],
    )
    digest = keyed_digest(repr(parts).encode())
    tag = base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()
    return Revalidation(tag, version.last_modified, version)


def release_tag(*parts):
    """A strong tag for an answer made only from `parts` (texts) by this
    release's code: the QR images, which never change otherwise."""
    digest = hashlib.sha256(current_app.extensions["release_digest"].encode())
    for part in parts:
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()[:32]


def _settings_digest():
    """A digest of the office settings and every document type (names,
    requirement lists), which public pages show."""
    digest = hashlib.sha256()
    office = caches.office_settings()
    digest.update(repr(sorted(office.__data__.items())).encode())
    for kind in DocumentType.select().order_by(DocumentType.id):
        digest.update(repr(sorted(kind.__data__.items())).encode())
    return digest.hexdigest()


@functools.cache
def release_digest(root):
    """A digest of the code, templates and catalogs under `root` (read once
    per process: a new release starts new processes)."""
    digest = hashlib.sha256()
    for folder, pattern in RELEASE_GLOBS:
        for path in sorted((Path(root) / folder).glob(pattern)):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def init_app(app):
    app.extensions["release_digest"] = release_digest(str(Path(app.root_path).parent))
