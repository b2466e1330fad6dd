"""The message worker: `python -m kiosk.worker` delivers the outbox with the
site's configuration; `make run` starts it beside the site.

It runs the task queue's consumer (services/message_queue.py): a task per
message committed, and a sweep every minute. While no worker runs, messages
wait in the outbox and staff see them as queued.
"""

import logging
import sys

from kiosk.data import db as database
from kiosk.data.db import db
from kiosk.services import message_queue


def main(argv=None):
    from kiosk import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = create_app()
    tasks = message_queue.tasks_of(app)
    # At once on start: whatever waited while no worker ran.
    tasks.sweep()
    consumer = tasks.queue.create_consumer(
        workers=2, worker_type="thread", periodic=True, max_delay=2.0
    )
    print(
        f"kiosk.worker: delivering messages from the {database.describe(db.obj)}",
        file=sys.stderr,
    )
    consumer.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
