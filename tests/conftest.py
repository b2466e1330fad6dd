"""Shared fixtures. Other test modules rely on these exact names; see the README.

Backends: every test that uses ``db_backend`` (directly or through ``database_url``,
``app``, ``client`` ...) runs once on SQLite and once on PostgreSQL. Set
KIOSK_TEST_BACKENDS=sqlite for a quick local run; the default is both, and a missing
PostgreSQL is an error, never a skip.
"""

from __future__ import annotations

import collections
import json
import os
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import settings

from tests.support import browser as browser_support
from tests.support.live import LiveServer, server_environment
from tests.support.pg import PostgresServer
from tests.support.tmpfs import fast_temp_root

REPO_ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = REPO_ROOT / "translations"
ARTIFACTS = REPO_ROOT / "test-artifacts"

ALL_BACKENDS = ("sqlite", "postgres")

settings.register_profile("default", max_examples=60, deadline=None)
settings.register_profile("full", max_examples=1700, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def _selected_backends() -> list[str]:
    raw = os.environ.get("KIOSK_TEST_BACKENDS", "")
    chosen = [b.strip() for b in raw.split(",") if b.strip()] or list(ALL_BACKENDS)
    unknown = sorted(set(chosen) - set(ALL_BACKENDS))
    if unknown:
        raise pytest.UsageError(f"KIOSK_TEST_BACKENDS: unknown backend(s) {unknown}")
    return chosen


# -- session start ----------------------------------------------------------


def _compile_translations() -> None:
    """Compile stale .po files to .mo, so a plain `pytest` sees translated pages.

    Like `pybabel compile` (fuzzy entries left out), but each .mo is written to a
    temporary file and renamed into place: another pytest run in the same tree
    never reads a half-written catalog.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parts[-3])
        if catalog.fuzzy:  # pybabel skips a catalog whose header is fuzzy
            continue
        partial = mo.with_name(f".{mo.name}.{os.getpid()}.tmp")
        with partial.open("wb") as target:
            write_mo(target, catalog, use_fuzzy=False)
        os.replace(partial, mo)


def pytest_configure(config):
    # Only the controlling process compiles: xdist workers start after
    # pytest_configure has run here, so none of them can read a half-written .mo.
    if not hasattr(config, "workerinput"):
        _compile_translations()
    # tmp_path folders in RAM (see tests/support/tmpfs.py). pytest reads this
    # variable when it first makes a temp folder, which is after this hook, and
    # xdist workers inherit the controller's folder. --basetemp still wins.
    os.environ.setdefault("PYTEST_DEBUG_TEMPROOT", fast_temp_root())
    from flask import request_finished

    # Every app built in this process hands its answers to API_ANSWERS.
    request_finished.connect(API_ANSWERS.received, weak=False)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    browser_dir = Path(__file__).parent / "browser"
    browser_fixtures = {"browser", "page", "new_page"}
    for item in items:
        # Tests in tests/browser/ or using a browser fixture get the `browser`
        # marker, so `-m "not browser"` gives a quick run without Chromium.
        in_dir = browser_dir in Path(str(item.fspath)).parents
        if in_dir or browser_fixtures & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
        # Slow tests (load, crash, scale-out) each expect the machine to
        # themselves; under `pytest -n 2 --dist loadgroup` this group sends
        # them all to one worker, one after another. Harmless without xdist.
        if item.get_closest_marker("slow") and not item.get_closest_marker(
            "xdist_group"
        ):
            item.add_marker(pytest.mark.xdist_group("slow"))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Remember each phase's outcome so fixtures can save artifacts on failure.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# -- databases --------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server():
    """This process's throwaway PostgreSQL server (started on first use).

    Skipped only when KIOSK_TEST_BACKENDS leaves PostgreSQL out on purpose; if it
    is selected (the default) and cannot start, every test using it errors.
    """
    if "postgres" not in _selected_backends():
        pytest.skip("PostgreSQL not selected by KIOSK_TEST_BACKENDS")
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(params=_selected_backends())
def db_backend(request):
    """The backend name, "sqlite" or "postgres"; tests run once per backend."""
    return request.param


@pytest.fixture
def database_url(db_backend, tmp_path, request):
    """A fresh, empty database for this test, as a URL."""
    if db_backend == "sqlite":
        yield f"sqlite:///{tmp_path}/kiosk.db"
        return
    server = request.getfixturevalue("postgres_server")
    url = server.create_database()
    yield url
    server.drop_database(url)  # WITH (FORCE): app pools may still be connected


# -- in-process application -------------------------------------------------


def _close_database(app) -> None:
    """Close the app's connections so nothing leaks into the next test."""
    database = app.extensions.get("database")
    if database is None:
        return
    if hasattr(database, "close_all"):  # playhouse pool: every thread's connection
        database.close_all()
    elif not database.is_closed():
        database.close()


@pytest.fixture
def make_app(database_url, tmp_path, monkeypatch):
    """Factory: ``make_app(**overrides)`` builds an app on this test's database.

    The base config is TESTING, this test's DATABASE_URL, SECRET_KEY "test", rate
    limits and CSRF off; keyword arguments override it (e.g.
    ``make_app(WTF_CSRF_ENABLED=True)``). KIOSK_* variables from the caller's shell
    are removed so that they cannot change what the tests see. Note that kiosk.db
    holds one global database proxy: the most recently built app owns it.
    """
    for name in list(os.environ):
        if name.startswith("KIOSK_") and not name.startswith("KIOSK_TEST_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("KIOSK_INSTANCE_PATH", str(tmp_path / "instance"))
    built = []

    def factory(**overrides):
        from kiosk import create_app

        config = {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test",
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
            "SETTINGS_CACHE_SECONDS": 0,
            "PAGE_CACHE_SECONDS": 0,
            "QUEUE_COUNTS_CACHE_SECONDS": 0,
        }
        config.update(overrides)
        app = create_app(config)
        built.append(app)
        return app

    yield factory
    for app in reversed(built):
        _close_database(app)


@pytest.fixture
def app(make_app):
    """The application with the default test config, on this test's database."""
    return make_app()


@pytest.fixture
def clerk(app):
    """A test client signed in as a counter clerk ("clerk")."""
    from tests.support.staff import staff_client

    return staff_client(app, "clerk")


@pytest.fixture
def admin(app):
    """A test client signed in as an administrator ("boss")."""
    from tests.support.staff import staff_client

    return staff_client(app, "boss", role="admin")


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# -- every API answer against the OpenAPI document ---------------------------


class ApiAnswers:
    """Checks every answer under /api/ that an app in this process gives against
    the OpenAPI document the app publishes (kiosk/web/openapi.py).

    Flask's request_finished signal hands each answer over after every
    after_request hook, so what is checked is what a client gets. A test that
    received an answer the document does not allow fails (pytest_runtest_call
    below); tests/test_openapi.py shows that the check runs and catches.
    """

    URI = "urn:kiosk:openapi"

    def __init__(self):
        self.counts = collections.Counter()  # (status, language) -> answers checked
        self.problems = []  # found since the last test was told
        self._document = None
        self._registry = None  # the document, for jsonschema to follow its $refs
        self._validators = {}

    @property
    def document(self):
        """The document as served (JSON), registered under URI for $refs."""
        if self._document is None:
            from referencing import Registry
            from referencing.jsonschema import DRAFT202012

            from kiosk.web import openapi

            self._document = json.loads(openapi.TEXT)
            resource = DRAFT202012.create_resource(self._document)
            self._registry = Registry().with_resource(self.URI, resource)
        return self._document

    def received(self, sender, response, **extra):
        """request_finished: check an API answer, never breaking the request."""
        from flask import request

        from kiosk.web import i18n

        if not i18n.is_api_request():
            return
        status = response.status_code
        try:
            body = response.get_data()
            problems = self.check(
                request.method, request.path, status, response.headers, body
            )
        except Exception as error:  # a bug here must not pass for the app's
            problems = [f"could not be checked: {error!r}"]
        self.counts[status, i18n.current_locale()] += 1
        where = f"{request.method} {request.full_path.rstrip('?')} -> {status}"
        self.problems += [f"{where}: {problem}" for problem in problems]

    def raise_problems(self):
        """Fail with the problems found since the last call, if any."""
        problems, self.problems = self.problems, []
        if problems:
            raise AssertionError(
                "API answers that kiosk/web/openapi.py does not allow:\n"
                + "\n".join(problems[:20])
            )

    def check(self, method, path, status, headers, body):
        """What the document finds wrong with one answer ([] when nothing).

        `headers` is a mapping and `body` the bytes sent.
        """
        from werkzeug.datastructures import Headers

        headers = Headers(headers)
        operation = self._operation(method, path)
        if operation is None:
            # The document says any other address answers an Error of its status.
            schema = {
                "$ref": f"{self.URI}#/components/schemas/Error",
                "properties": {"error": {"properties": {"status": {"const": status}}}},
            }
            problems = [] if status >= 400 else [f"status {status} for no operation"]
            return problems + self._body_problems(schema, headers, body)
        keys, answer = self._follow([*operation, "responses", str(status)])
        if answer is None:
            return [f"status {status} is not described"]
        problems = []
        for name in answer.get("headers", {}):
            header_keys, header = self._follow([*keys, "headers", name])
            value = headers.get(name)
            if value is None:
                problems += [f"no {name} header"] if header.get("required") else []
                continue
            if header["schema"].get("type") == "integer":
                value = int(value) if re.fullmatch(r"-?[0-9]+", value) else value
            problems += self._problems(self._schema([*header_keys, "schema"]), value)
        content = answer.get("content", {})
        if not content:  # described without a body (a 304)
            return problems + ([f"a body of {len(body)} bytes"] if body else [])
        mimetype = headers.get("Content-Type", "").split(";")[0].strip()
        if mimetype not in content:
            return problems + [f"Content-Type {mimetype!r} is not described"]
        schema = self._schema([*keys, "content", mimetype, "schema"])
        return problems + self._body_problems(schema, headers, body)

    def _operation(self, method, path):
        """The keys to the path's operation for `method`, or None."""
        for template, item in self.document["paths"].items():
            pattern = re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(template))
            if re.fullmatch(pattern, path):
                # HEAD is GET without its body; another method gets the 405
                # that the GET operation describes.
                name = method.lower()
                return ["paths", template, name if name in item else "get"]
        return None

    def _follow(self, keys):
        """The keys to an object of the document and the object, through $refs."""
        node = self.document
        for key in keys:
            node = node.get(key) if isinstance(node, dict) else None
            if node is None:
                return keys, None
        if "$ref" in node:
            target = node["$ref"].removeprefix("#/").split("/")
            return self._follow(
                [k.replace("~1", "/").replace("~0", "~") for k in target]
            )
        return keys, node

    def _schema(self, keys):
        pointer = "/".join(k.replace("~", "~0").replace("/", "~1") for k in keys)
        return {"$ref": f"{self.URI}#/{quote(pointer, safe='/~')}"}

    def _body_problems(self, schema, headers, body):
        if not body:
            return ["no body"]
        try:
            instance = json.loads(body)
        except ValueError:
            return ["the body is not JSON"]
        return self._problems(schema, instance)

    def _problems(self, schema, instance):
        from jsonschema import Draft202012Validator

        key = json.dumps(schema, sort_keys=True)
        validator = self._validators.get(key)
        if validator is None:
            validator = self._validators[key] = Draft202012Validator(
                schema,
                registry=self._registry,
                format_checker=Draft202012Validator.FORMAT_CHECKER,
            )
        return [
            f"{'/'.join(map(str, error.absolute_path)) or 'body'}: {error.message}"
            for error in validator.iter_errors(instance)
        ]


API_ANSWERS = ApiAnswers()


@pytest.fixture(scope="session")
def api_answers():
    """The checker of every API answer (see ApiAnswers)."""
    return API_ANSWERS


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    # Answers from the test and its fixtures' setup: a test that failed on its
    # own is reported as such, and its answers at teardown.
    result = yield
    API_ANSWERS.raise_problems()
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        API_ANSWERS.raise_problems()


def pytest_sessionfinish(session):
    # An xdist worker sends its counts to the controller, which prints the total.
    if hasattr(session.config, "workeroutput"):
        counts = [[*key, n] for key, n in API_ANSWERS.counts.items()]
        session.config.workeroutput["api_answers"] = counts


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    for status, language, n in getattr(node, "workeroutput", {}).get("api_answers", []):
        API_ANSWERS.counts[status, language] += n


def pytest_terminal_summary(terminalreporter):
    counts = API_ANSWERS.counts
    if counts:
        statuses = collections.Counter()
        for (status, _), n in counts.items():
            statuses[status] += n
        each = ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items()))
        terminalreporter.write_line(
            f"API answers checked against the OpenAPI document: "
            f"{sum(counts.values())} ({each})"
        )


# -- real server in a subprocess -------------------------------------------


def _test_failed(node) -> bool:
    """Whether this test's setup or call phase failed (read at fixture teardown)."""
    return any(
        getattr(node, f"rep_{when}", None) is not None
        and getattr(node, f"rep_{when}").failed
        for when in ("setup", "call")
    )


@pytest.fixture
def live_server(tmp_path_factory, request):
    """Factory: ``live_server(env=None, config_overrides=None, database_url=None,
    threads=8)``.

    Starts the real application under waitress in a subprocess on a
    free 127.0.0.1 port, waits until GET /healthz answers 200 (20 s at most), and
    returns a LiveServer with ``.url`` (no trailing slash), ``.process``,
    ``.stop()``, ``.kill()`` (SIGKILL, i.e. a crash), ``.restart()`` (same port,
    instance folder and database) and ``.log_text()``. Every server started is
    stopped at teardown.

    Each server gets its own fresh instance folder, and by default the app's own
    default database: SQLite in that folder. Pass ``database_url`` (e.g. this
    test's ``database_url`` fixture value) to use another one; several servers on
    one PostgreSQL URL act like an office's several app servers.

    Configuration reaches the other process only through its environment:

    - ``env``: extra variables, read by kiosk/config.py: KIOSK_DATABASE_URL,
      KIOSK_SECRET_KEY, KIOSK_PUBLIC_BASE_URL, KIOSK_RATELIMIT_STORAGE_URL,
      KIOSK_HTTPS, KIOSK_RATELIMIT_EXEMPT_NETWORKS, KIOSK_TRUSTED_PROXIES. A value
      of None removes the variable (KIOSK_SECRET_KEY defaults to a fixed test
      key; pass None to let the app generate one in its instance folder).
    - ``config_overrides``: any JSON-serialisable config keys, passed as the
      KIOSK_TEST_CONFIG variable that tests/support/serve.py hands to
      ``create_app``, e.g. ``{"RATELIMIT_ENABLED": False}``.

    Unlike ``app``, the server keeps the real defaults: rate limits and CSRF on.
    """
    servers: list[LiveServer] = []
    # Each server's output (tracebacks of 500s, waitress warnings) is printed
    # when the test fails, so CI logs show why.

    def start(env=None, config_overrides=None, database_url=None, threads=8):
        folder = tmp_path_factory.mktemp("live")
        server = LiveServer(
            server_environment(
                folder / "instance", database_url, config_overrides, env
            ),
            log_path=folder / "server.log",
            threads=threads,
        )
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()
    if _test_failed(request.node):
        for server in servers:
            print(f"--- log of live server {server.url} ({server.log_path}) ---")
            print(server.log_text()[-6000:])


# -- browser ----------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """A session-wide headless Chromium (Debian's) driven by Playwright's sync API."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = browser_support.launch(playwright)
        yield instance
        instance.close()


@pytest.fixture
def new_page(browser, request):
    """Factory: ``new_page(viewport=(390, 844), locale="id-ID", **context_options)``.

    Each call opens a fresh browser context (own cookies and storage) and returns
    its page; extra keyword arguments go to ``browser.new_context``. All contexts
    are closed at teardown; if the test failed, a screenshot of each page is saved
    under test-artifacts/ first.
    """
    contexts = []

    def factory(viewport=(390, 844), locale="id-ID", **context_options):
        width, height = viewport
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale=locale,
            **context_options,
        )
        context.set_default_timeout(browser_support.DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield factory

    failed = _test_failed(request.node)
    for number, context in enumerate(contexts):
        if failed:
            _save_screenshots(request.node, number, context)
        context.close()


def _save_screenshots(node, number, context) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in node.nodeid)
    for index, page in enumerate(context.pages):
        try:
            page.screenshot(
                path=str(ARTIFACTS / f"{safe}-{number}-{index}.png"), full_page=True
            )
        except Exception as exc:  # a crashed page must not hide the real failure
            print(f"screenshot failed for {node.nodeid}: {exc}")


@pytest.fixture
def page(new_page):
    """A phone-sized Indonesian-locale page in a fresh context."""
    return new_page()
