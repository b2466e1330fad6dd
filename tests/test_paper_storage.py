"""Where residents' files are kept: the instance folder by default, an
S3-compatible bucket (tested against moto's S3 server in its own process);
the purge deletes the files of requests past their retention period."""

import datetime as dt
import io
from pathlib import Path

import pytest

from kiosk.data.models import RequestPaper, StatusEvent, Submission, utcnow
from kiosk.services import retention
from tests.support import papers as files
from tests.support.factories import make_submission
from tests.support.s3 import S3Server
from tests.support.staff import staff_client


@pytest.fixture(scope="module")
def s3_server():
    server = S3Server().start()
    yield server
    server.stop()


@pytest.fixture
def bucket(s3_server, request):
    name = f"papers-{abs(hash(request.node.nodeid)) % 10**8}"
    s3_server.client().create_bucket(Bucket=name)
    return name


def _objects(s3_server, bucket):
    answer = s3_server.client().list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in answer.get("Contents", []))


def _send(client, number, data=None):
    return client.post(
        f"/t/{number}/papers",
        data={
            "requirement": "1",
            "files": (io.BytesIO(data or files.jpeg(gps=True)), "x.jpg"),
        },
        content_type="multipart/form-data",
    )


def _finish_long_ago(number, days=400):
    """Complete a request and date its history `days` back."""
    from kiosk.services import submissions

    submission = Submission.by_number(number)
    for target in ("verifying", "processing", "ready", "completed"):
        submission = submissions.move(
            submission, target, version=submission.version, staff=None
        )
    when = utcnow() - dt.timedelta(days=days)
    StatusEvent.update(created_at=when).where(
        StatusEvent.submission == submission
    ).execute()


def test_files_go_to_the_bucket_and_clerks_read_them_from_it(
    make_app, s3_server, bucket
):
    app = make_app(**s3_server.settings(bucket))
    with app.app_context():
        number = make_submission(status="needs_info").number
    client = app.test_client()
    assert _send(client, number).status_code == 303
    paper = RequestPaper.get()
    assert _objects(s3_server, bucket) == sorted(
        [paper.stored_id, f"{paper.stored_id}.thumb"]
    )
    assert not (Path(app.instance_path) / "uploads").exists()
    stored = s3_server.client().get_object(Bucket=bucket, Key=paper.stored_id)
    assert b"PhoneMaker" not in stored["Body"].read()
    clerk = staff_client(app)
    shown = clerk.get(f"/staff/papers/{paper.stored_id}")
    assert shown.status_code == 200 and shown.data[:2] == b"\xff\xd8"

    with app.app_context():
        _finish_long_ago(number)
        assert retention.purge_personal_data() == 1
    assert _objects(s3_server, bucket) == []
    assert clerk.get(f"/staff/papers/{paper.stored_id}").status_code == 404


def test_refused_files_reach_no_bucket(make_app, s3_server, bucket):
    app = make_app(**s3_server.settings(bucket))
    with app.app_context():
        number = make_submission(status="needs_info").number
    assert _send(app.test_client(), number, files.POLYGLOT).status_code == 422
    assert _objects(s3_server, bucket) == []


def test_purge_deletes_the_files_and_what_identifies_them(app, client):
    with app.app_context():
        old = make_submission(status="needs_info").number
        recent = make_submission(status="needs_info").number
    _send(client, old)
    _send(client, recent, files.pdf())
    folder = Path(app.instance_path) / "uploads"
    assert len(list(folder.iterdir())) == 3  # a photo, its thumbnail, a PDF
    with app.app_context():
        _finish_long_ago(old)
        assert retention.purge_personal_data() == 1
    kept = RequestPaper.get(RequestPaper.kind == "pdf")
    assert [p.name for p in folder.iterdir()] == [kept.stored_id]
    erased = RequestPaper.get(RequestPaper.kind == "jpeg")
    assert erased.erased_at is not None
    assert (erased.sha256, erased.refusal_reason) == ("", "")
    assert kept.erased_at is None and kept.sha256


def test_uploads_folder_is_the_setting_and_private(make_app, tmp_path):
    target = tmp_path / "shared-nfs" / "papers"
    app = make_app(UPLOAD_PATH=str(target))
    with app.app_context():
        number = make_submission(status="needs_info").number
    assert _send(app.test_client(), number).status_code == 303
    assert len(list(target.iterdir())) == 2
    assert target.stat().st_mode & 0o077 == 0
