"""The hand-written re-implementations of library internals, each against the
library's own way: `python bench/reimplementations.py` (or `make bench-internals`).

One process, one SQLite file of 2,000 requests. Ours and the library's take turns
in batches of about 10 ms (the first alternating); figures are medians of the
rounds ("saved": of each round's pair), so a busy machine slows both alike.
"noise" is the rounds' spread (slowest over fastest), "won" the rounds ours won.
"""

import datetime as dt
import gc
import itertools
import os
import re
import statistics
import sys
import tempfile
import time
from collections import ChainMap
from contextlib import contextmanager, nullcontext
from functools import partial
from pathlib import Path

# Run as a script: `kiosk` and `tests` come from the repository root.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import flask_babel  # noqa: E402
import jinja2  # noqa: E402
import peewee as pw  # noqa: E402
import qrcode  # noqa: E402
from babel import dates  # noqa: E402
from flask import Flask  # noqa: E402
from flask_babel.speaklater import LazyString  # noqa: E402

from kiosk.data import models, public_record, seed  # noqa: E402
from kiosk.data.db import db  # noqa: E402
from kiosk.data.models import DocumentType, StatusEvent, Submission  # noqa: E402
from kiosk.data.public_record import PublicEvent, PublicRecord  # noqa: E402
from kiosk.domain import qr  # noqa: E402
from kiosk.web import dates as dateformat  # noqa: E402
from kiosk.web import i18n  # noqa: E402
from tests.support.pages import without_tokens  # noqa: E402
from tests.support.tmpfs import fast_temp_root  # noqa: E402

ROUNDS, BATCH_NS, CLOCK = 41, 10_000_000, time.perf_counter_ns
# Pages are made anew each time (no page or queue-count cache); the office
# settings are kept for their usual time, as a server keeps them.
CONFIG = dict(
    TESTING=True, SECRET_KEY="x", RATELIMIT_ENABLED=False, WTF_CSRF_ENABLED=False,
    PAGE_CACHE_SECONDS=0, QUEUE_COUNTS_CACHE_SECONDS=0,
)  # fmt: skip
_ZERO_DAY = re.compile(r"\b0(\d) (?=[A-Z][a-z]+ \d{4})")  # "Rabu, 02 Desember 2026"
_ABSENT = object()


class Swap:
    """swap(True) puts the library's way in place, swap(False) the project's."""

    def __init__(self, changes, jinja=None):  # (dict, key, the library's value)
        self.changes = [(ns, k, ns.get(k, _ABSENT), new) for ns, k, new in changes]
        self.templates = jinja.cache.values() if jinja else ()

    def __call__(self, library):
        for space, key, ours, theirs in self.changes:
            space[key] = theirs if library else ours
            if space[key] is _ABSENT:  # ours was the class's: not in the instance
                del space[key]
        for template in self.templates:  # imported macros keep the globals and
            template._module = None  # filters they were made with: made again

    def same(self, produce):
        """Whether produce() gives the same list both ways, item by item."""
        self(True)
        theirs = produce()
        self(False)
        return [a == b for a, b in itertools.zip_longest(produce(), theirs)]


def compare(label, ours, theirs=None, *, swap=None, context=nullcontext, **options):
    """Time ours against theirs (or one callable, swapped) and print a row."""
    runs, per = (ours, theirs or ours), options.get("per", 1)  # calls in one run
    swap = swap or (lambda library: None)

    def batch(side, count):
        swap(side == 1)
        with context():
            runs[side]()  # untimed: what a swap emptied (a template) is filled
            start = CLOCK()
            for _ in range(count):
                runs[side]()
            return (CLOCK() - start) / count / per

    calls = options.get("calls") or max(1, int(BATCH_NS / (batch(0, 1) * per)))
    times = ([], [])
    for turn in range(ROUNDS):
        for side in (0, 1) if turn % 2 == 0 else (1, 0):
            times[side].append(batch(side, calls))
    swap(False)
    unit = options.get("unit", "µs")
    mine, lib = (statistics.median(t) / (1e6 if unit == "ms" else 1e3) for t in times)
    share = statistics.median(1 - a / b for a, b in zip(*times))
    noise = max(max(side) / min(side) - 1 for side in times)
    won = sum(a < b for a, b in zip(*times))
    row = f"{mine:10.3f}{lib:10.3f} {unit}{lib / mine:7.2f}{share * lib:+10.3f} {unit}"
    print(f"  {label:<40}{row}{share:+7.1%}{noise:6.0%}{won:4}/{ROUNDS}")


def section(title, equal):
    print(f"\n{title}\n  equal: {'yes' if all(equal) else 'NO'} ({len(equal)} checked)")


def library_format(babel_format, value, fmt):
    """flask-babel's format_date or format_datetime, and what the project adds:
    the MINUTE format, and the Indonesian day without a zero ("2 Desember")."""
    if not value:
        return ""
    if fmt == dateformat.MINUTE:  # the medium date, the short time, babel's glue
        glue = dates.get_datetime_format("medium", flask_babel.get_locale())
        day = flask_babel.format_date(value, "medium")
        text = glue.replace("'", "").replace("{1}", day)
        text = text.replace("{0}", flask_babel.format_time(value, "short"))
        zone = dateformat.ZONE_ABBREVIATIONS.get(str(flask_babel.get_timezone()))
        return f"{text} {zone}" if zone else text
    text = babel_format(value, fmt)
    indonesian_full = fmt == "full" and i18n.current_locale() == "id"
    return _ZERO_DAY.sub(r"\1 ", text) if indonesian_full else text


library_date = partial(library_format, flask_babel.format_date)
library_datetime = partial(library_format, flask_babel.format_datetime)


def library_matrix(url):
    code = qrcode.QRCode(error_correction=qrcode.ERROR_CORRECT_M, border=qr.QUIET_ZONE)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


def library_find(number):
    """The same record from peewee's query, built anew for every lookup."""
    head = public_record._RECORD_COLUMNS  # the request's; then an event's
    rows = list(
        Submission.select(*head, *public_record._EVENT_COLUMNS)
        .join(DocumentType).switch(Submission).join(StatusEvent, pw.JOIN.LEFT_OUTER)
        .where(Submission.number == number)
        .order_by(StatusEvent.created_at, StatusEvent.id).tuples()
    )  # fmt: skip
    events = tuple(PublicEvent(s, n or "", at) for *_, s, n, at in rows if s)
    return PublicRecord(number, *rows[0][: len(head)], events=events) if rows else None


class Site:
    """The app on a fresh SQLite file of `rows` requests, and its pages."""

    def __init__(self, folder, rows):
        for name in [n for n in os.environ if n.startswith("KIOSK_")]:
            del os.environ[name]  # the caller's shell must not change the site
        os.environ["KIOSK_INSTANCE_PATH"] = str(folder / "instance")
        from kiosk import create_app
        from kiosk.domain import workflow
        from kiosk.services import accounts, submissions
        from tests.support.factories import make_submission
        from tests.support.staff import staff_client

        self.app = create_app(dict(CONFIG, DATABASE_URL=f"sqlite:///{folder}/k.db"))
        codes, channels = [t[0] for t in seed.DOCUMENT_TYPES], models.CHANNELS
        path = (workflow.VERIFYING, workflow.PROCESSING, workflow.READY)
        with self.app.app_context(), db.connection_context(), db.atomic():
            made = [
                make_submission(code=codes[i % 5], channel=channels[i % 7])
                for i in range(rows)
            ]
            for i, r in enumerate(made[::3]):  # a third have a longer timeline
                for target in path[: 1 + i % 3]:
                    r = submissions.move(r, target, version=r.version, staff=None)
        self.numbers = [s.number for s in made]
        accounts.PASSWORD_METHOD = "scrypt:1024:8:1"  # signing in is not measured
        with self.app.app_context():
            staff = staff_client(self.app)
        del staff.environ_base["HTTP_ACCEPT_LANGUAGE"]  # Indonesian, as the office
        self.public, shown = self.app.test_client(), self.numbers[6]  # 4 events
        self.pages = {
            "tracking": partial(self.public.get, f"/t/{shown}"),
            "apply": partial(self.public.get, "/apply"),
            "stats": partial(self.public.get, "/stats"),
            "staff queue": partial(staff.get, "/staff"),  # 50 requests a page
        }

    @contextmanager
    def request(self, lang="id"):
        """A request context with the locale, the office and a connection."""
        with self.app.test_request_context(f"/?lang={lang}"):
            self.app.preprocess_request()
            yield

    def time_pages(self, swap, names):
        for name in names:
            compare(f"page: {name}", self.pages[name], swap=swap, unit="ms")


def messages(site):
    """Plain flask-babel instead: its Domain, lazy_gettext and Jinja gettext."""
    flask_babel.Babel(probe := Flask("probe"))  # flask-babel's Jinja callables
    site.pages["tracking"]()  # makes babel.domain_instance, kept in the instance
    ours, jinja = i18n._translate, site.app.jinja_env
    lazies = [o for o in gc.get_objects() if type(o) is LazyString and o._func is ours]
    changes = [(vars(i18n.babel), "domain_instance", flask_babel.Domain())]
    # current_locale() then asks flask-babel's get_locale() every time.
    changes += [(vars(i18n), "_g_values", dict)]
    babels = probe.jinja_env.globals.items()
    changes += [(jinja.globals, k, v) for k, v in babels if k == "_" or "gettext" in k]
    changes += [(vars(s), "_func", flask_babel.gettext) for s in lazies]
    swap = Swap(changes, jinja)
    pages = ["tracking", "apply", "stats", "staff queue"]
    equal = swap.same(lambda: [without_tokens(site.pages[n]().text) for n in pages])
    for lang in ("id", "en"):
        with site.request(lang):
            equal += swap.same(lambda: [str(s) for s in lazies])
    section(f"1. i18n: _RequestDomain, lazy_gettext ({len(lazies)}), Jinja _", equal)
    hundred = jinja.from_string('{{ _("History") }}' * 100).render
    timed = {"swap": swap, "context": site.request}
    compare("gettext('Received')", partial(flask_babel.gettext, "Received"), **timed)
    compare("str(lazy label)", partial(str, i18n.STATUS_LABELS["ready"]), **timed)
    compare("Jinja _('History')", hundred, per=100, **timed)
    site.time_pages(swap, pages)


def date_formats(site):
    day, moment = dt.date(2026, 12, 2), dt.datetime(2026, 12, 2, 4, 47, 12)
    ours_date, ours_datetime = dateformat.format_date, dateformat.format_datetime
    cases = [(ours_date, library_date, f, day) for f in ("long", "medium", "full")]
    cases += [(ours_datetime, library_datetime, f, moment) for f in ("short", "medium")]
    cases.append((ours_datetime, library_datetime, dateformat.MINUTE, moment))
    start, step = dt.datetime(2026, 1, 1, 0, 7), dt.timedelta(hours=37, minutes=13)
    moments = [start + n * step for n in range(240)]  # a year: all weekdays and hours
    values = moments + [m.date() for m in moments]  # format_date takes both
    checks = [*cases, (*cases[0][:2], "MMMM y", day)]  # as the stats page asks
    equal = []
    for lang, (ours, theirs, fmt, sample) in itertools.product(("id", "en"), checks):
        with site.request(lang):
            dated = values if type(sample) is dt.date else moments
            equal += [ours(v, fmt) == theirs(v, fmt) for v in dated]
    section("2. dateformat: patterns parsed once per locale (Asia/Jakarta)", equal)
    for ours, theirs, fmt, value in cases:
        runs = partial(ours, value, fmt), partial(theirs, value, fmt)
        compare(f"{ours.__name__}({fmt!r})", *runs, context=site.request)
    jinja = site.app.jinja_env
    theirs = {"date": library_date, "datetime": library_datetime}
    swap = Swap([(jinja.filters, name, way) for name, way in theirs.items()], jinja)
    site.time_pages(swap, ["tracking", "stats", "staff queue"])


def qr_codes(site):
    urls = [f"https://dukcapil.sijunjungkab.go.id/t/{n}" for n in site.numbers[:200]]
    equal = [qr.matrix(url) == library_matrix(url) for url in urls]
    section("3. qr.matrix: one layout, bitwise mask scores (stored numbers)", equal)
    # Each side its own endless iterator over the same URLs, in the same order.
    ways = (qr.matrix, library_matrix)
    runs = (partial(next, map(f, itertools.cycle(urls))) for f in ways)
    compare("matrix(url), 200 distinct URLs", *runs, calls=len(urls) // 10)
    swap = Swap([(vars(qr), "matrix", library_matrix)])
    get = partial(site.public.get, f"/t/{site.numbers[0]}/qr.svg")
    kept = site.app.extensions["caches"]["qr"]
    cold = lambda: (kept.forget(), get())  # noqa: E731 (the app's copy left out)
    compare("page: QR svg, not cached", cold, swap=swap, unit="ms")


def record_lookups(site):
    numbers = site.numbers
    with site.request():
        equal = [public_record.find(n) == library_find(n) for n in [*numbers, "0" * 9]]
    section(f"4. public_record.find: SQL built once ({len(numbers)} stored)", equal)
    ways = (public_record.find, library_find)
    runs = (partial(next, map(f, itertools.cycle(numbers))) for f in ways)
    compare("find(number)", *runs, context=site.request)
    site.time_pages(Swap([(vars(public_record), "find", library_find)]), ["tracking"])


class LibraryInsert:
    """compiled.Insert's interface, doing what peewee's Model.create does."""

    def __init__(self, model):
        self.model = model

    def create(self, **values):
        return self.model.create(**values)


class LibraryRows:
    """compiled.InsertRows's interface, building peewee's insert_many each time."""

    def __init__(self, compiled_rows):
        self.kept = compiled_rows

    def insert(self, rows):
        if rows:
            query = self.kept.model.insert_many(rows, fields=self.kept.fields)
            self.kept.finish(query).execute()


def stored_requests(site):
    """A request stored: its INSERTs built once (data/compiled.py) or by peewee."""
    from kiosk.data import tallies
    from kiosk.services import audit, request_details, submissions
    from tests.support.factories import make_submission

    places = [
        (vars(submissions), "_INSERT_SUBMISSION", LibraryInsert(Submission)),
        (vars(audit), "_INSERT_STATUS_EVENT", LibraryInsert(StatusEvent)),
        (vars(tallies), "_ADD_ROWS", LibraryRows(tallies._ADD_ROWS)),
        (vars(submissions), "_INSERT_NAME_WORDS",
         LibraryRows(submissions._INSERT_NAME_WORDS)),
        (vars(request_details), "_INSERT_ANSWERS",
         LibraryRows(request_details._INSERT_ANSWERS)),
    ]  # fmt: skip
    swap = Swap(places)
    details = {"ktp_reason": "lost", "ktp_recorded": "yes"}

    def store():
        with site.app.app_context(), db.connection_context():
            made = make_submission(code="KTP", details=details)
            return (made.status, made.due_date, request_details.read(made.id))

    equal = []
    for library in (False, True):
        swap(library)
        equal.append(store())
    swap(False)
    section(
        "5. compiled.Insert and InsertRows: a request stored", [equal[0] == equal[1]]
    )
    compare("store a request (KTP-el, two answers)", store, swap=swap, unit="ms")


def template_globals(site):
    """Jinja's own ChainMap as every template's globals, not TemplateGlobals."""
    jinja = site.app.jinja_env
    pages = ["tracking", "apply", "stats", "staff queue"]
    for name in pages:
        site.pages[name]()  # their templates loaded, so that each is swapped
    imports = jinja.from_string('{% from "components/status.html" import progress %}')
    plain = partial(jinja2.Environment.make_globals, jinja)
    changes = [(vars(jinja), "make_globals", plain)]
    kept = [imports, *jinja.cache.values()]
    changes += [(vars(t), "globals", ChainMap(*t.globals.maps)) for t in kept]
    swap = Swap(changes, jinja)
    equal = swap.same(lambda: [without_tokens(site.pages[n]().text) for n in pages])
    section("6. TemplateGlobals: the keys Jinja subtracts on each import, a set", equal)
    compare("{% from ... import %}", imports.render, swap=swap, context=site.request)
    site.time_pages(swap, pages)


def main():
    with tempfile.TemporaryDirectory(dir=fast_temp_root()) as folder:
        site = Site(Path(folder), rows=2000)
        print(f"Medians of {ROUNDS} rounds, wall time; ours: the project's code")
        print(" " * 48 + "ours   library  lib/ours     saved     share noise won")
        for bench in (
            messages, date_formats, qr_codes, record_lookups, stored_requests,
            template_globals,
        ):  # fmt: skip
            bench(site)


if __name__ == "__main__":
    main()
