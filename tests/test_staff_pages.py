"""Every staff page, in both languages: title, language, unique ids, no English left."""

import pytest

from kiosk.data.models import KioskDevice
from tests.support.factories import LONG_AGO, make_submission
from tests.support.pages import check_title_lang_and_ids, facts
from tests.support.staff import fast_passwords, staff_client  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_passwords")


def staff_pages(app):
    # Received LONG_AGO: the lists show their overdue marks, to be checked too.
    submission = make_submission(status="ready", today=LONG_AGO)
    recorded = make_submission(channel="whatsapp", today=LONG_AGO)
    KioskDevice.create(name="Lobby", token="t" * 32)
    from kiosk.data.models import StaffMember, Submission

    boss = StaffMember.get(StaffMember.username == "boss")
    Submission.update(recorded_by=boss).where(Submission.id == recorded.id).execute()
    return [
        "/staff",
        "/staff?status=open&q=andi&overdue=1",
        "/staff/today",
        "/staff/collections",
        "/staff/new",
        f"/staff/new/{recorded.number}",
        f"/staff/s/{submission.number}",
        "/staff/scan?number=123",
        "/staff/admin",
        "/staff/admin/staff",
        f"/staff/admin/staff/{boss.id}",
        "/staff/admin/types",
        "/staff/admin/types/1",
        "/staff/admin/types/new",
        "/staff/admin/office",
        "/staff/admin/kiosks",
        "/staff/admin/audit",
        "/staff/admin/security",
        "/staff/admin/calendar",
        "/staff/admin/collection",
        "/staff/admin/counters",
        "/staff/check-in",
        "/staff/calls?counter=1",
        "/staff/account",
    ]


def _english_messages(app):
    """English message ids whose Indonesian translation differs, long enough to be
    unmistakable in a page's text."""
    from flask_babel import force_locale, get_translations

    with app.test_request_context(), force_locale("id"):
        catalog = get_translations()._catalog
    return [
        key
        for key, value in catalog.items()
        if isinstance(key, str) and len(key) > 25 and "%" not in key and value != key
    ]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_staff_page_has_a_title_its_language_and_unique_ids(app, lang):
    admin = staff_client(app, "boss", role="admin")
    english_messages = _english_messages(app)
    assert len(english_messages) > 50  # the Indonesian catalog is loaded
    for path in staff_pages(app):
        sep = "&" if "?" in path else "?"
        response = admin.get(f"{path}{sep}lang={lang}")
        assert response.status_code in (200, 400), path
        page = check_title_lang_and_ids(response.get_data(as_text=True), lang, path)
        assert not page.title.strip().startswith("–"), path
        if lang == "id":
            left = [m for m in english_messages if m in page.visible_text]
            assert not left, (path, left)


def test_a_residents_phone_reads_the_same_on_every_staff_page(app):
    """As residents write it (0812-9876-5432), never as stored (+62812...)."""
    admin = staff_client(app, "boss", role="admin")
    for path in staff_pages(app):
        visible = facts(admin.get(path).get_data(as_text=True)).visible_text
        assert "+6281298765432" not in visible, path
        if path in ("/staff/today",) or path.startswith(("/staff/new/", "/staff/s/")):
            assert "0812-9876-5432" in visible, path


def test_sign_in_page_has_a_title_and_unique_ids(client):
    page = facts(client.get("/staff/login").get_data(as_text=True))
    assert page.title.strip()
    assert not page.duplicate_ids
