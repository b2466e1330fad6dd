"""Several app processes on one set of listening sockets: `--processes N`.

The parent opens and binds the sockets, then starts N children (fresh
interpreters, not forks) that each build their own app and run waitress on the
inherited sockets; the kernel hands each new connection to whichever child
accepts it first. One process runs Python on one core at a time (the GIL), so
this is how the site uses more than one core.

The parent only supervises:
- SIGTERM or SIGINT: stop every child (each finishes its running requests,
  as waitress does on SIGTERM), exit 0;
- a child that exits on its own: stop the others and exit 1. The parent does
  not restart it itself: the service manager (systemd's Restart=always)
  already restarts the whole server, with its back-off and its log, and a
  server quietly running with fewer processes would hide the failure and serve
  less than the machine was sized for.
Each child also watches a pipe from the parent: if the parent is killed outright
(SIGKILL, OOM), the children stop instead of holding the port, so that the
restarted server can bind it.
"""

import argparse
import importlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import waitress.adjustments

from kiosk import serve_limits

STOP_SECONDS = 30  # waitress gives running requests 5 s; imports take a few
POLL_SECONDS = 0.2


class _Stop(BaseException):
    """Raised in the parent by SIGTERM/SIGINT to leave its wait."""


def serve_processes(build_app, arguments):
    """Serve `build_app()` (a module-level function, called in each child) in
    arguments.processes processes; `arguments` as kiosk.serve parses them.
    Returns the exit status: 0 when stopped by a signal, 1 when a child died."""
    target = importable_name(build_app)
    sockets = open_sockets(arguments.listen)
    # Raised here once (children inherit the limit), so that a warning that it
    # is too low is printed once, and every child gets the same limit.
    arguments.connection_limit = serve_limits.allow_open_files(
        arguments.connection_limit
    )
    alive_read, alive_write = os.pipe()
    children = []
    previous = {
        s: signal.signal(s, _raise_stop) for s in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        for _ in range(arguments.processes):
            children.append(_start_child(target, sockets, alive_read, arguments))
        gone = _first_to_exit(children)
        print(
            f"kiosk.serve: app process {gone.pid} exited with {gone.returncode}; "
            "stopping the others",
            file=sys.stderr,
            flush=True,
        )
        status = 1
    except _Stop:
        status = 0
    finally:
        # A second signal while stopping must not cut the stop short.
        for number in previous:
            signal.signal(number, signal.SIG_IGN)
        _stop(children)
        for number, handler in previous.items():
            signal.signal(number, handler)
        os.close(alive_write)
        os.close(alive_read)
        for sock in sockets:
            sock.close()
    return status


def importable_name(function):
    """ "module:name" under which a child process finds `function`."""
    module = function.__module__
    if module == "__main__":  # run as `python -m package.module`
        module = sys.modules["__main__"].__spec__.name
    name = f"{module}:{function.__qualname__}"
    found = _resolve(name)
    # Run from __main__, the copy a child imports is another function object.
    same = found is function or (function.__module__ == "__main__" and callable(found))
    if not same:
        raise ValueError(f"{function!r} is not importable as {name}")
    return name


def _resolve(name):
    module, _, qualname = name.partition(":")
    found = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part, None)
    return found


def open_sockets(addresses):
    """Bound, listening sockets for HOST:PORT addresses, resolved as waitress
    resolves its own --listen (so "*:8080" and "[::1]:8080" mean the same)."""
    wanted = waitress.adjustments.Adjustments(listen=" ".join(addresses)).listen
    sockets = []
    try:
        for family, kind, proto, address in wanted:
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)
            sock.listen(serve_limits.BACKLOG)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def _raise_stop(number, frame):
    raise _Stop()


def _start_child(target, sockets, alive_read, arguments):
    descriptors = [sock.fileno() for sock in sockets]
    command = [
        sys.executable, "-m", "kiosk.serve_processes",
        target, json.dumps(vars(arguments)), str(alive_read), *map(str, descriptors),
    ]  # fmt: skip
    return subprocess.Popen(
        command, stdin=subprocess.DEVNULL, pass_fds=[alive_read, *descriptors]
    )


def _first_to_exit(children):
    while True:
        for child in children:
            if child.poll() is not None:
                return child
        time.sleep(POLL_SECONDS)


def _stop(children):
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + STOP_SECONDS
    for child in children:
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def child_main(argv):
    """In a child: build the app, then serve it on the inherited sockets."""
    target, settings, alive_read, *descriptors = argv
    for number in (signal.SIGTERM, signal.SIGINT):
        # waitress stops its loop on SystemExit and lets running requests end.
        signal.signal(number, _exit)
    threading.Thread(
        target=_stop_with_parent, args=(int(alive_read),), daemon=True
    ).start()
    arguments = argparse.Namespace(**json.loads(settings))
    sockets = [socket.socket(fileno=int(d)) for d in descriptors]
    app = _resolve(target)()
    serve_limits.serve(app, arguments, sockets=sockets)
    return 0


def _exit(number, frame):
    raise SystemExit(0)


def _stop_with_parent(alive_read):
    """Nothing is ever written to the pipe: end of file means the parent is gone."""
    while os.read(alive_read, 1):
        pass
    os.kill(os.getpid(), signal.SIGTERM)


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
