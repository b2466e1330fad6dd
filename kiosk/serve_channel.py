"""waitress's connection, without its busy loop while a request is answered.

waitress's event loop asks every connection, on each turn, whether it has
output to send (`writable`). While a worker thread answers a request, waitress's
connection says yes as soon as its buffer holds one unsent byte. But the worker
sends what it writes itself, holding the buffer's lock: when the worker is
between putting its answer in the buffer and sending it (waiting for the
interpreter's lock, say), the loop finds the buffer locked, sends nothing,
and turns again at once, holding the interpreter's lock the worker waits for,
until Python's switch interval (5 ms) takes it away. On this project's 2-core
machine that took one process of 2 threads from about 2,200 trivial answers a
second to 100 under 16 connections, on some days and not others (README,
"Performance").

`Channel` says it is writable during a request only when the worker waits for
the loop, i.e. when the buffer has passed waitress's high-water mark. The worker
sends its own output as it writes it (waitress's send_bytes is 1) and pulls
the loop's trigger when the request is done; the loop then sends whatever the
socket did not take. tests/test_serve_channel.py pins waitress's behaviour
that this relies on, and checks that large answers reach slow readers whole.
"""

import logging

import waitress
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer


class Channel(HTTPChannel):
    def writable(self):
        if self.requests and not (self.will_close or self.close_when_flushed):
            return self.total_outbufs_len > self.adj.outbuf_high_watermark
        return super().writable()


def create_server(app, **adjustments):
    """waitress.create_server, every server it makes (one, or one per socket)
    with this channel; not yet running."""
    socket_map = {}
    server = waitress.create_server(app, map=socket_map, **adjustments)
    for dispatcher in socket_map.values():
        if isinstance(dispatcher, BaseWSGIServer):
            dispatcher.channel_class = Channel
    return server


def run(server):
    """Log where it listens and serve until stopped, as waitress.serve does."""
    logging.basicConfig()  # waitress logs through it; idempotent
    server.print_listen("Serving on http://{}:{}")
    server.run()
