"""Start the site under waitress with limits that hold against slow clients.

    .venv/bin/python -m kiosk.serve --listen 127.0.0.1:8080 [--threads 8]
        [--trusted-proxy 127.0.0.1 --trusted-proxy-headers "x-forwarded-for ..."]
        [--with-worker] [--processes 2]

--processes N runs N app processes on the same listening socket(s), each
with --threads threads and its own app and database connections
(kiosk/serve_processes.py): more than one CPU core for Python code.

--with-worker also runs the message worker (kiosk/worker.py) as a child
process, stopped with the site: one command for a single machine. In
production the worker runs as its own service (README).

waitress's own defaults let about a hundred connections that never finish their
request lock everyone else out; kiosk/serve_limits.py sets every limit
explicitly, and this module refuses to listen beyond this machine without the
site's public host names.
"""

import argparse
import ipaddress
import subprocess
import sys

import peewee
from flask import Flask

from kiosk import config, create_app
from kiosk.data.db import db
from kiosk.data.models import OfficeSettings
from kiosk.serve_limits import CHANNEL_TIMEOUT, CONNECTION_LIMIT, THREADS, serve
from kiosk.serve_processes import serve_processes

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}

REFUSAL = """\
kiosk.serve: refusing to listen on {where}, which other machines can reach, while
the site's public address is unknown: a forged Host header could then put another
site's address into QR codes, receipts and links.
Set the office's host names or public address, in the environment or in
instance/config.py, for example:

    KIOSK_TRUSTED_HOSTS=dukcapil.sijunjungkab.go.id
    KIOSK_PUBLIC_BASE_URL=https://dukcapil.sijunjungkab.go.id

(or "Public address of the site" in the staff console's office settings), or
listen on 127.0.0.1 behind a reverse proxy.
"""

PER_PROCESS_LIMITS = """\
kiosk.serve: rate-limit counters are kept in memory (KIOSK_RATELIMIT_STORAGE_URL
is memory://), and each of the {processes} processes counts on its own: a client gets
up to {processes} times each limit. Point KIOSK_RATELIMIT_STORAGE_URL at Redis or
Memcached to share them (README, "Running several app servers").
"""


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m kiosk.serve", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--listen",
        action="append",
        metavar="HOST:PORT",
        help="address to listen on, may be repeated (default 127.0.0.1:8080)",
    )
    parser.add_argument("--threads", type=int, default=THREADS)
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        metavar="N",
        help="app processes sharing the listening socket(s), each with --threads",
    )
    parser.add_argument("--connection-limit", type=int, default=CONNECTION_LIMIT)
    parser.add_argument(
        "--channel-timeout",
        type=int,
        default=CHANNEL_TIMEOUT,
        metavar="SECONDS",
        help="close a connection that sends nothing for this long",
    )
    parser.add_argument("--trusted-proxy", metavar="ADDRESS")
    parser.add_argument("--trusted-proxy-count", type=int)
    parser.add_argument(
        "--trusted-proxy-headers", metavar="NAMES", help='e.g. "x-forwarded-for"'
    )
    parser.add_argument(
        "--with-worker",
        action="store_true",
        help="also run the message worker, stopped with the site",
    )
    arguments = parser.parse_args(argv)
    if arguments.processes < 1 or arguments.threads < 1:
        parser.error("--processes and --threads must be at least 1")
    arguments.listen = arguments.listen or ["127.0.0.1:8080"]
    for address in arguments.listen:
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit():
            parser.error(f"--listen {address!r}: expected HOST:PORT")
    if arguments.trusted_proxy is None and (
        arguments.trusted_proxy_count or arguments.trusted_proxy_headers
    ):
        parser.error(
            "--trusted-proxy-count and --trusted-proxy-headers need --trusted-proxy"
        )
    return arguments


def is_loopback(address):
    """Whether HOST:PORT can be reached from this machine only."""
    host = address.rpartition(":")[0].strip("[]")
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # "*" or a host name: not known to be this machine only


def knows_its_public_address(app):
    """Whether trusted host names or a public base URL are configured."""
    if app.config.get("TRUSTED_HOSTS") or app.config.get("PUBLIC_BASE_URL"):
        return True
    with app.app_context(), db.connection_context():
        try:
            return bool(OfficeSettings.saved().public_base_url.strip())
        except peewee.DoesNotExist:
            return False


def main(argv=None):
    arguments = parse_arguments(argv)
    single = arguments.processes == 1
    # With several processes each one builds its own app once it has started:
    # the parent builds none, so no database connection crosses processes.
    app = create_app() if single else None
    public = [a for a in arguments.listen if not is_loopback(a)]
    if public and not knows_its_public_address(app or _app_for_the_check()):
        sys.stderr.write(REFUSAL.format(where=", ".join(public)))
        return 2
    if not single:
        warn_about_per_process_limits(arguments.processes)
    worker = start_worker() if arguments.with_worker else None
    try:
        if single:
            serve(app, arguments, listen=" ".join(arguments.listen))
            return 0
        return serve_processes(create_app, arguments)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)


def _app_for_the_check():
    """An app whose only use is the public-address check: its pooled database
    connections are closed before any app process starts."""
    app = create_app()
    database = app.extensions["database"]
    getattr(database, "close_all", database.close)()
    return app


def warn_about_per_process_limits(processes):
    """Said, not refused: the limits still hold, only N times looser, and a
    refusal would stop `--processes 2` on any machine without Redis, as
    memory:// is the default."""
    settings = Flask(
        "kiosk", instance_path=config.instance_path(), instance_relative_config=True
    )
    config.load(settings)  # as create_app reads it, without building an app
    if settings.config["RATELIMIT_STORAGE_URL"].startswith("memory://"):
        sys.stderr.write(PER_PROCESS_LIMITS.format(processes=processes))


def start_worker():
    """The message worker as a child process with this process's settings."""
    return subprocess.Popen([sys.executable, "-m", "kiosk.worker"])


if __name__ == "__main__":
    sys.exit(main())
