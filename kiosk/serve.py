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
request lock everyone else out; this module sets every limit explicitly, and
refuses to listen beyond this machine without the site's public host names.
"""

import argparse
import ipaddress
import resource
import subprocess
import sys

import peewee
import waitress
from flask import Flask

from kiosk import config, create_app
from kiosk.data.db import db
from kiosk.data.models import OfficeSettings

# Open connections served at once. A slow or idle client holds a socket, not a
# thread (waitress reads requests in one event loop and hands a thread only a
# complete request), so a thousand cost little memory.
CONNECTION_LIMIT = 1000
# A connection that sends nothing for this long, while no request of it is being
# answered, is closed: a client stalling on its request line or headers loses
# its place within about this time.
CHANNEL_TIMEOUT = 30
# Connections the kernel holds while all of the above are in use (the kernel
# caps it at net.core.somaxconn).
BACKLOG = 1024
THREADS = 8
# All request headers together. Browsers send a few kilobytes to this site;
# nginx's own default allows at most 4 x 8 KB.
MAX_REQUEST_HEADER_SIZE = 32 * 1024
# The app refuses a body over MAX_CONTENT_LENGTH with its translated 413 page;
# waitress stops reading one a little larger, so that no connection makes it
# buffer more than that.
BODY_MARGIN = 64 * 1024
# File descriptors beyond the connections: database, logs, listening sockets.
SPARE_FILES = 256
# Each connection: its socket and, for a large body or answer, a temporary
# file each way.
FILES_PER_CONNECTION = 3
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


def allow_open_files(connections):
    """Raise the soft open-file limit for this many connections, as far as the
    hard limit allows; return how many connections fit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections * FILES_PER_CONNECTION + SPARE_FILES
    if soft != resource.RLIM_INFINITY and soft < wanted:
        soft = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    if soft == resource.RLIM_INFINITY or soft >= connections + SPARE_FILES:
        return connections
    # accept() failing for want of a descriptor would spin the event loop.
    fitting = max(soft - SPARE_FILES, 1)
    print(
        f"kiosk.serve: the open-file limit ({hard}) allows {fitting} connections, "
        f"not {connections}; raise it (systemd: LimitNOFILE={wanted}).",
        file=sys.stderr,
    )
    return fitting


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
        # Imported here: serve_processes builds on this module.
        from kiosk.serve_processes import serve_processes

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


def serve(app, arguments, **where):
    """waitress with this module's limits; `where` is listen=... or sockets=[...]."""
    waitress.serve(app, **where, **waitress_options(app, arguments))


def waitress_options(app, arguments):
    trusted = {
        name: value
        for name in ("trusted_proxy", "trusted_proxy_count", "trusted_proxy_headers")
        if (value := getattr(arguments, name)) is not None
    }
    return dict(
        threads=arguments.threads,
        connection_limit=allow_open_files(arguments.connection_limit),
        channel_timeout=arguments.channel_timeout,
        # How often idle connections are looked for: they are closed between
        # channel_timeout and channel_timeout plus this.
        cleanup_interval=max(1, arguments.channel_timeout // 6),
        backlog=BACKLOG,
        # select() fails on descriptors above 1024; poll() has no such ceiling.
        asyncore_use_poll=True,
        max_request_header_size=MAX_REQUEST_HEADER_SIZE,
        max_request_body_size=app.config["MAX_CONTENT_LENGTH"] + BODY_MARGIN,
        # No Server header naming the software and its version.
        ident="",
        **trusted,
    )


if __name__ == "__main__":
    sys.exit(main())
