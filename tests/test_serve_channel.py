"""kiosk/serve_channel.py: waitress's event loop waits, instead of spinning,
while a worker answers a request, and answers still reach slow readers whole."""

import hashlib
import http.client
import socket
import threading
import time
from contextlib import contextmanager

from waitress import server as waitress_server
from waitress import wasyncore
from waitress.channel import HTTPChannel

from kiosk import serve, serve_channel, serve_limits

PAUSE = 0.2  # seconds a worker spends between two pieces of its answer


def pausing_app(environ, start_response):
    """Writes part of its answer, then works (sleeps) before the rest, as a
    page streaming a long export does (the loop waits meanwhile)."""
    start_response("200 OK", [("Content-Type", "text/plain")])
    yield b"first\n"
    time.sleep(PAUSE)
    yield b"second\n"


def pattern(size):
    """Bytes that differ along their length, so a lost or repeated piece shows."""
    block = b"".join(i.to_bytes(4, "big") for i in range(16 * 1024))
    return (block * (size // len(block) + 1))[:size]


BIG = pattern(4 * 1024 * 1024)


def big_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/octet-stream")])
    if environ["PATH_INFO"] == "/whole":
        return [BIG]
    return (BIG[i : i + 64 * 1024] for i in range(0, len(BIG), 64 * 1024))


@contextmanager
def running(app, channel_class, send_buffer=None, **adjustments):
    """waitress in a thread of this process, its connections of channel_class
    (and, on Linux, with the listening socket's send buffer size)."""
    socket_map = {}
    server = waitress_server.create_server(
        app, map=socket_map, listen="127.0.0.1:0", threads=2, **adjustments
    )
    server.channel_class = channel_class
    if send_buffer:
        server.socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield server.effective_port
    finally:
        server.task_dispatcher.shutdown()
        wasyncore.close_all(socket_map)
        thread.join(5)


def get(port, path="/", read_slowly=False):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    if not read_slowly:
        body = response.read()
    else:
        # A phone on a poor line: the server's socket fills, and the rest of
        # the answer waits in waitress's buffers.
        time.sleep(0.5)
        pieces = []
        while piece := response.read(32 * 1024):
            pieces.append(piece)
            time.sleep(0.002)
        body = b"".join(pieces)
    connection.close()
    return response.status, body


def channel_answering(channel_class, buffered):
    """A connection of channel_class while a worker answers its request, with
    `buffered` bytes of the answer not yet sent."""
    ours, theirs = socket.socketpair()
    server = waitress_server.create_server(
        pausing_app, map={}, listen="127.0.0.1:0", _start=False
    )
    channel = channel_class(server, ours, ("127.0.0.1", 0), server.adj, map={})
    channel.requests = [object()]  # the request a worker is answering
    channel.total_outbufs_len = buffered
    return channel, (ours, theirs, server)


def close(things):
    ours, theirs, server = things
    ours.close()
    theirs.close()
    server.close()


def test_waitress_own_channel_asks_the_loop_to_send_what_the_worker_sends():
    """The cause of the busy loop, in waitress's own channel: during a request,
    any unsent byte makes the connection writable, although the loop sends
    nothing while the worker holds the buffer. If a waitress release changes
    this, this test fails and kiosk/serve_channel.py may go."""
    channel, things = channel_answering(HTTPChannel, buffered=119)
    try:
        assert channel.writable()
    finally:
        close(things)


def test_our_channel_leaves_the_sending_to_the_worker():
    channel, things = channel_answering(serve_channel.Channel, buffered=119)
    try:
        assert not channel.writable()
        channel.total_outbufs_len = channel.adj.outbuf_high_watermark + 1  # it waits
        assert channel.writable()
        channel.total_outbufs_len = 119
        channel.will_close = True  # e.g. the client went away
        assert channel.writable()
        channel.will_close = False
        channel.requests = []  # answered: what is left is the loop's to send
        assert channel.writable()
        channel.total_outbufs_len = 0
        assert not channel.writable()
    finally:
        close(things)


def test_large_answers_reach_a_slow_reader_whole():
    """4 MB in pieces and in one piece. The reader waits before reading, and
    the server's socket holds little (16 KB), so the answer fills waitress's
    buffer past its high-water mark (256 KB) and the worker waits for the loop
    to send: the loop must see the connection as writable then, or the worker
    would wait for ever."""
    digest = hashlib.sha256(BIG).hexdigest()
    with running(
        big_app,
        serve_channel.Channel,
        send_buffer=16 * 1024,
        outbuf_high_watermark=256 * 1024,
    ) as port:
        for path in ("/pieces", "/whole"):
            for read_slowly in (True, False):
                status, body = get(port, path, read_slowly)
                assert status == 200
                assert len(body) == len(BIG)
                assert hashlib.sha256(body).hexdigest() == digest


def test_answers_on_one_kept_alive_connection_follow_each_other():
    with running(pausing_app, serve_channel.Channel) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(3):
            connection.request("GET", "/")
            response = connection.getresponse()
            assert (response.status, response.read()) == (200, b"first\nsecond\n")
        connection.close()


def test_the_site_is_served_with_our_channel(app):
    """kiosk.serve's one process and its several processes' sockets alike."""
    arguments = serve.parse_arguments(["--listen", "127.0.0.1:0"])
    one = serve_limits.create_server(app, arguments, listen="127.0.0.1:0")
    try:
        assert one.channel_class is serve_channel.Channel
    finally:
        one.close()

    sockets = []
    for _ in range(2):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        sockets.append(sock)
    several = serve_limits.create_server(app, arguments, sockets=sockets)
    try:
        servers = [
            d
            for d in several.map.values()
            if isinstance(d, waitress_server.BaseWSGIServer)
        ]
        assert len(servers) == 2
        assert all(s.channel_class is serve_channel.Channel for s in servers)
    finally:
        several.close()
