"""The message worker's task queue (huey) and its two tasks.

The outbox table is the record of what must be sent, not this queue: the site
adds a "deliver" task after a message is committed so that it goes out at once,
and a sweep every minute sends whatever is due (retries, the end of quiet
hours, reminders, a message whose task was lost, one left "sending" by a worker
that was killed). kiosk/worker.py runs the consumer.
"""

import os
import threading
from dataclasses import dataclass

import huey

from kiosk.data.db import db
from kiosk.services import delivery

QUEUE_NAME = "kiosk-messages"


def make_queue(app):
    """The huey instance for QUEUE_URL: a SQLite file in the instance folder by
    default; Redis or PostgreSQL when several app servers share the work."""
    url = app.config.get("QUEUE_URL") or ""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return huey.RedisHuey(QUEUE_NAME, url=url)
    if url.startswith(("postgres://", "postgresql://")):
        from huey.contrib.sql_huey import SqlHuey

        return SqlHuey(QUEUE_NAME, database=url)
    filename = url.removeprefix("sqlite:///") or os.path.join(
        app.instance_path, "queue.sqlite3"
    )
    os.makedirs(os.path.dirname(os.path.abspath(filename)), mode=0o700, exist_ok=True)
    return huey.SqliteHuey(QUEUE_NAME, filename=filename)


@dataclass(frozen=True)
class Tasks:
    queue: object
    deliver: object  # deliver(message_id): send one message now
    sweep: object  # sweep(): send every message that is due


def register(app, queue):
    """The worker's tasks on `queue`, each run with the app's database."""

    @queue.task(name="deliver")
    def deliver(message_id):
        with app.app_context(), db.connection_context():
            delivery.deliver(message_id, app.config)

    @queue.periodic_task(huey.crontab(minute="*"), name="sweep")
    def sweep():
        with app.app_context(), db.connection_context():
            delivery.deliver_due(app.config)

    return Tasks(queue, deliver, sweep)


_building = threading.Lock()


def tasks_of(app):
    """The app's tasks, the queue opened on first use (a site that never
    queues a message never opens it)."""
    with _building:
        if app.extensions.get("worker_tasks") is None:
            app.extensions["worker_tasks"] = register(app, make_queue(app))
        return app.extensions["worker_tasks"]
