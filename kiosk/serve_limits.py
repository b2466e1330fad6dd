"""waitress's limits for this site, for one app process or each of several.

kiosk/serve.py (the start command) and kiosk/serve_processes.py (several app
processes) both serve through `serve()`.
"""

import ctypes
import os
import resource
import sys

from kiosk import serve_channel

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
# glibc's mallopt() parameter for the number of malloc arenas, and how many.
M_ARENA_MAX = -8
MALLOC_ARENAS = 2


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


def serve(app, arguments, **where):
    """waitress with this module's limits; `where` is listen=... or sockets=[...].

    As waitress.serve does, with kiosk/serve_channel.py's connections."""
    limit_malloc_arenas()
    serve_channel.run(create_server(app, arguments, **where))


def create_server(app, arguments, **where):
    """waitress's server (one, or one per socket) with this module's limits and
    kiosk/serve_channel.py's connections, not yet running."""
    return serve_channel.create_server(app, **where, **waitress_options(app, arguments))


def limit_malloc_arenas(arenas=MALLOC_ARENAS):
    """Let glibc's malloc keep `arenas` memory pools instead of up to eight per
    core: each waitress thread would otherwise get its own, and their
    fragments add up (peak RSS 164 MB against 143 in the benchmark's run of
    every scenario). The same as MALLOC_ARENA_MAX in the environment, which
    wins when set. Threads contend a little more for the pools; the benchmark
    saw no change in throughput. Nothing happens outside glibc."""
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        return libc.mallopt(M_ARENA_MAX, arenas) == 1
    except (OSError, AttributeError):
        return False


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
