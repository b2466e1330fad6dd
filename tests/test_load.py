"""Load: 16 residents at once submit 5,000 requests through the real server."""

import pytest

from kiosk.data.models import StatusEvent, Submission
from tests.support.http import submit_concurrently

TOTAL = 5_000
CLIENTS = 16


# The single-machine default; PostgreSQL under several servers is in test_scale_out.
@pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)
@pytest.mark.slow
def test_5000_concurrent_submissions_are_all_stored_once(
    live_server, database_url, make_app
):
    server = live_server(
        database_url=database_url,
        config_overrides={"RATELIMIT_ENABLED": False},
        threads=CLIENTS,
    )
    run = submit_concurrently([server.url], TOTAL, clients=CLIENTS)
    print(f"{TOTAL} submissions in {run.seconds:.1f} s")

    assert run.errors == []
    assert len(run.numbers) == TOTAL
    assert len(set(run.numbers)) == TOTAL
    make_app()  # binds the models to the server's database
    stored = {s.number for s in Submission.select(Submission.number)}
    assert stored == set(run.numbers)
    first_events = StatusEvent.select().where(StatusEvent.from_status.is_null())
    assert first_events.count() == TOTAL
