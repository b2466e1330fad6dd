"""`python -m tests.support.waitress_run --listen=HOST:PORT --threads=N module:app`

waitress as `python -m waitress` runs an app, with the connections the site is
served with (kiosk/serve_channel.py), so that every end-to-end test goes
through them. waitress's other settings keep their defaults here: the site's
own limits are tested against `python -m kiosk.serve` (tests/test_serving.py).
"""

import argparse
import importlib

from kiosk import serve_channel


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.support.waitress_run")
    parser.add_argument("--listen", required=True, metavar="HOST:PORT")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("target", metavar="MODULE:NAME")
    arguments = parser.parse_args(argv)
    module, _, name = arguments.target.partition(":")
    app = getattr(importlib.import_module(module), name)
    serve_channel.run(
        serve_channel.create_server(
            app, listen=arguments.listen, threads=arguments.threads
        )
    )


if __name__ == "__main__":
    main()
