"""Admin: document types, office settings, kiosks and the audit trail."""

import json
import re

import pytest

from kiosk.data.models import (
    AdminEvent,
    DocumentType,
    KioskDevice,
    OfficeSettings,
    StaffMember,
)
from kiosk.data.seed import OFFICE
from tests.support.factories import make_submission
from tests.support.staff import (  # noqa: F401
    english,
    fast_passwords,
    loaded_fingerprint,
    staff_client,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")


def type_form(**values):
    data = {
        "name_id": "Kartu Keluarga (KK)",
        "name_en": "Family Card (KK)",
        "requirements_id": "KK lama\nSurat pengantar",
        "requirements_en": "Old family card\nCovering letter",
        "service_days": "3",
        "position": "0",
        "active": "y",
    }
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def office_form(**values):
    office = OfficeSettings.saved()
    data = {
        name: getattr(office, name)
        for name in (
            "office_name", "office_name_en", "address", "opening_hours_id",
            "opening_hours_en", "phone", "whatsapp", "public_base_url", "timezone",
            "retention_days", "areas", "distancing_notice_id", "distancing_notice_en",
            "kiosk_idle_warning_seconds", "kiosk_idle_reset_seconds",
        )
    }  # fmt: skip
    data.update(values)
    return data


def test_edit_a_document_types_names_requirements_days_and_order(app, admin):
    kk = DocumentType.get(DocumentType.code == "KK")
    response = admin.post(
        f"/staff/admin/types/{kk.id}",
        data=type_form(
            name_id="Kartu Keluarga",
            requirements_en="Old family card\n\n  Letter from the wali nagari  ",
            service_days="5",
            position="9",
            code="HACK",
        ),
    )
    assert response.status_code == 303
    kk = DocumentType.get_by_id(kk.id)
    assert (kk.code, kk.name_id, kk.service_days, kk.position) == (
        "KK",
        "Kartu Keluarga",
        5,
        9,
    )
    assert kk.requirements("en") == ["Old family card", "Letter from the wali nagari"]
    [event] = AdminEvent.select().where(AdminEvent.action == "document_type.update")
    changed = json.loads(event.details)
    assert changed["service_days"] == [3, 5] and "code" not in changed
    # Residents see the change on the application form.
    apply_page = english(app.test_client()).get("/apply").get_data(as_text=True)
    assert "Usually ready in 5 working days" in apply_page


def test_a_deactivated_type_is_no_longer_offered_to_residents(app, admin):
    kia = DocumentType.get(DocumentType.code == "KIA")
    admin.post(
        f"/staff/admin/types/{kia.id}",
        data=type_form(name_id=kia.name_id, name_en=kia.name_en, active=None),
    )
    assert not DocumentType.get_by_id(kia.id).active
    assert 'value="KIA"' not in english(app.test_client()).get("/apply").get_data(
        as_text=True
    )


def test_add_a_new_document_type(app, admin):
    response = admin.post(
        "/staff/admin/types/new",
        data=type_form(
            code="sktt",
            name_id="Surat Keterangan Tinggal Sementara",
            name_en="Temporary Stay Letter",
            service_days="2",
            position="7",
        ),
    )
    assert response.status_code == 303
    new = DocumentType.get(DocumentType.code == "SKTT")
    assert new.active and new.service_days == 2
    assert AdminEvent.get(AdminEvent.action == "document_type.create").target == "SKTT"
    duplicate = admin.post("/staff/admin/types/new", data=type_form(code="KK"))
    assert duplicate.status_code == 422
    assert "There is already a document type with this code." in duplicate.get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"service_days": "0"}, "Enter a number from 1 to 90."),
        ({"service_days": "soon"}, "Enter a whole number."),
        ({"name_en": ""}, "This field is required."),
        ({"name_id": "\u200b \u202e"}, "This field is required."),  # invisible
        ({"code": "K K"}, "Use 2 to 16 capital letters"),
    ],
)
def test_document_type_form_refuses_bad_values(app, admin, values, message):
    response = admin.post(
        "/staff/admin/types/new", data=type_form(**{"code": "NEWTYPE", **values})
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert not DocumentType.select().where(DocumentType.code == "NEWTYPE").exists()


def test_office_settings_are_saved_and_recorded(app, admin):
    response = admin.post(
        "/staff/admin/office",
        data=office_form(
            office_name="Disdukcapil Sijunjung",
            whatsapp="0812 1111 2222",
            public_base_url="https://dukcapil.example.go.id/",
            timezone="Asia/Makassar",
            retention_days="180",
            areas="Koto VII\n\n Sijunjung \nKoto VII",
            kiosk_idle_warning_seconds="45",
            kiosk_idle_reset_seconds="75",
        ),
    )
    assert response.status_code == 303
    office = OfficeSettings.saved()
    assert office.office_name == "Disdukcapil Sijunjung"
    assert office.whatsapp == "+6281211112222"
    assert office.public_base_url == "https://dukcapil.example.go.id"
    assert office.timezone == "Asia/Makassar"
    assert office.area_list() == ["Koto VII", "Sijunjung"]
    assert (office.kiosk_idle_warning_seconds, office.kiosk_idle_reset_seconds) == (
        45,
        75,
    )
    event = AdminEvent.get(AdminEvent.action == "office.update")
    assert json.loads(event.details)["timezone"] == ["Asia/Jakarta", "Asia/Makassar"]
    # QR codes and receipts now use the new public address.
    submission = make_submission()
    receipt = english(app.test_client()).get(f"/t/{submission.number}/receipt")
    assert "https://dukcapil.example.go.id/" in receipt.get_data(as_text=True)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"public_base_url": "ftp://example.org"},
            "Enter an address starting with https://",
        ),
        (
            {"public_base_url": "dukcapil.example"},
            "Enter an address starting with https://",
        ),
        (
            {"public_base_url": "https://example.org/?a=1"},
            "Leave out everything after the path.",
        ),
        ({"public_base_url": "http://[x"}, "Enter a web address like"),
        ({"public_base_url": "https://exa mple.go.id"}, "Enter a web address like"),
        (
            {"public_base_url": "https://x.go.id/lacak permohonan"},
            "Enter a web address like",
        ),
        (
            {"public_base_url": "https://x.go.id/pelacakan-ä"},
            "Enter a web address like",
        ),
        ({"public_base_url": "https://x.go.id/100%"}, "Enter a web address like"),
        (
            {"public_base_url": "https://dukcapil.go.id:99999"},
            "Enter a web address like",
        ),
        (
            {"public_base_url": "https://" + "very-long-name." * 8 + "example.go.id"},
            "too long for the QR code",
        ),
        ({"timezone": "Mars/Olympus"}, "Enter a time zone name such as Asia/Jakarta."),
        (
            {"timezone": "../../etc/passwd"},
            "Enter a time zone name such as Asia/Jakarta.",
        ),
        ({"retention_days": "5"}, "Enter a number from 30 to 3650."),
        ({"areas": " \n "}, "Enter at least one district."),
        ({"whatsapp": "12345"}, "Enter an Indonesian number"),
        (
            {"kiosk_idle_warning_seconds": "90", "kiosk_idle_reset_seconds": "60"},
            "Starting over must come after the warning.",
        ),
        ({"office_name": ""}, "This field is required."),
    ],
)
def test_office_settings_refuse_bad_values(app, admin, values, message):
    before = OfficeSettings.saved()
    response = admin.post("/staff/admin/office", data=office_form(**values))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    after = OfficeSettings.saved()
    assert (after.public_base_url, after.timezone) == (
        before.public_base_url,
        before.timezone,
    )
    assert not AdminEvent.select().where(AdminEvent.action == "office.update").exists()


def test_saving_unchanged_settings_records_nothing(app, admin):
    response = admin.post("/staff/admin/office", data=office_form())
    assert response.status_code == 303
    assert "Nothing was changed." in admin.get("/staff/admin/office").get_data(
        as_text=True
    )
    assert AdminEvent.select().count() == 0


def test_register_a_kiosk_with_a_random_token_and_its_start_address(app, admin):
    response = admin.post(
        "/staff/admin/kiosks", data={"name": "Lobby", "paper_width": "58"}
    )
    assert response.status_code == 303
    kiosk = KioskDevice.get(KioskDevice.name == "Lobby")
    assert kiosk.paper_width == 58 and kiosk.active
    assert len(kiosk.token) >= 32
    page = admin.get("/staff/admin/kiosks").get_data(as_text=True)
    assert f"http://localhost/kiosk?k={kiosk.token}" in page
    browser = english(app.test_client())
    browser.get(f"/kiosk?k={kiosk.token}")  # the kiosk remembers its token
    assert browser.get("/kiosk").status_code == 200
    admin.post("/staff/admin/kiosks", data={"name": "Upstairs", "paper_width": "80"})
    assert KioskDevice.get(KioskDevice.name == "Upstairs").token != kiosk.token
    bad = admin.post("/staff/admin/kiosks", data={"name": "X", "paper_width": "70"})
    assert bad.status_code == 422
    assert AdminEvent.select().where(AdminEvent.action == "kiosk.create").count() == 2


def test_kiosk_list_counts_requests_per_kiosk_and_deactivation_works(app, admin):
    admin.post("/staff/admin/kiosks", data={"name": "Lobby", "paper_width": "80"})
    kiosk = KioskDevice.get()
    for _ in range(3):
        make_submission(channel="kiosk", kiosk=kiosk.id)
    page = admin.get("/staff/admin/kiosks").get_data(as_text=True)
    assert '<th scope="row">Lobby</th>' in page and "<td>3</td>" in page
    off = admin.post(f"/staff/admin/kiosks/{kiosk.id}/active", data={"active": "0"})
    assert off.status_code == 303
    assert not KioskDevice.get_by_id(kiosk.id).active
    assert KioskDevice.by_token(kiosk.token) is None
    browser = english(app.test_client())
    browser.get(f"/kiosk?k={kiosk.token}")
    assert browser.get("/kiosk").status_code == 403  # its start address stops working
    on = admin.post(f"/staff/admin/kiosks/{kiosk.id}/active", data={"active": "1"})
    assert "with a new start address" in admin.get(on.headers["Location"]).text
    renewed = KioskDevice.get_by_id(kiosk.id)
    assert renewed.active and renewed.token != kiosk.token
    # The old start address and the cookie it left stay dead; the new one works.
    assert browser.get(f"/kiosk?k={kiosk.token}").status_code == 403
    assert browser.get("/kiosk").status_code == 403
    assert browser.get(f"/kiosk?k={renewed.token}").status_code == 303
    assert browser.get("/kiosk").status_code == 200
    actions = [e.action for e in AdminEvent.select().order_by(AdminEvent.id)]
    assert actions == ["kiosk.create", "kiosk.deactivate", "kiosk.activate"]


def test_audit_trail_lists_admin_changes_newest_first(app, admin):
    admin.post("/staff/admin/kiosks", data={"name": "Lobby", "paper_width": "80"})
    admin.post("/staff/admin/office", data=office_form(timezone="Asia/Jayapura"))
    page = admin.get("/staff/admin/audit").get_data(as_text=True)
    assert page.index("Office settings changed") < page.index("Kiosk registered")
    assert re.search(
        r"Time zone: Asia/Jakarta <span[^>]*>→</span>.*? Asia/Jayapura", page
    )
    assert "Boss" in page


def test_audit_trail_reads_in_words_not_field_names(app, admin):
    admin.post("/staff/admin/kiosks", data={"name": "Lobby", "paper_width": "58"})
    admin.post("/staff/admin/staff", data={
        "username": "siti", "display_name": "Siti", "role": "staff",
        "password": "correct horse battery", "password_again": "correct horse battery",
    })  # fmt: skip
    member = StaffMember.get(StaffMember.username == "siti")
    admin.post(
        f"/staff/admin/staff/{member.id}",
        data={"display_name": "Siti", "role": "admin"},  # active left unticked
    )
    page = admin.get("/staff/admin/audit?lang=id").get_data(as_text=True)
    assert "Peran: Petugas" in page
    assert re.search(r"Akun aktif[^:]*: Ya <span[^>]*>→</span>.*? Tidak", page)
    assert "Lebar kertas" in page
    for raw in ("display_name", "paper_width", "True", "False", "<code>"):
        assert raw not in page, raw


def test_audit_rows_cannot_be_edited_or_deleted(app, admin):
    admin.post("/staff/admin/kiosks", data={"name": "Lobby", "paper_width": "80"})
    event = AdminEvent.get()
    event.action = "something else"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete_instance()
    with pytest.raises(TypeError):
        AdminEvent.update(action="x").execute()
    with pytest.raises(TypeError):
        AdminEvent.delete().execute()
    assert AdminEvent.get().action == "kiosk.create"


def test_admin_pages_render_in_both_languages(app, admin):
    for lang, word in (("id", "Pengaturan kantor"), ("en", "Office settings")):
        page = admin.get(f"/staff/admin?lang={lang}").get_data(as_text=True)
        assert f'<html lang="{lang}">' in page
        assert word in page  # Indonesian needs the merged catalog


def test_changes_show_at_once_while_each_process_keeps_its_settings(make_app):
    """Office details and document types are kept per process for a while;
    an admin's change made through the process replaces them at once."""
    app = make_app(SETTINGS_CACHE_SECONDS=60)
    admin = staff_client(app, "boss", role="admin")
    resident = english(app.test_client())
    assert 'value="KIA"' in resident.get("/apply").get_data(as_text=True)
    kia = DocumentType.get(DocumentType.code == "KIA")
    admin.post(
        f"/staff/admin/types/{kia.id}",
        data=type_form(name_id=kia.name_id, name_en=kia.name_en, active=None),
    )
    assert 'value="KIA"' not in resident.get("/apply").get_data(as_text=True)
    assert "Jalan Prof. M. Yamin 9" not in resident.get("/").get_data(as_text=True)
    response = admin.post(
        "/staff/admin/office", data=office_form(address="Jalan Prof. M. Yamin 9")
    )
    assert response.status_code == 303
    assert "Jalan Prof. M. Yamin 9" in resident.get("/").get_data(as_text=True)
    # Saved by another process (this one keeps its copy): the admin page shows
    # the saved row, so its form never carries the older values back.
    OfficeSettings.update(phone="0754 555").execute()
    assert 'value="0754 555"' in admin.get("/staff/admin/office").get_data(as_text=True)


def test_a_document_type_form_shows_position_zero_and_keeps_a_mistyped_number(
    app, admin
):
    kk = DocumentType.get(DocumentType.code == "KK")
    assert kk.position == 0
    page = admin.get(f"/staff/admin/types/{kk.id}").get_data(as_text=True)
    assert re.search(r'name="position"[^>]*value="0"', page)
    refused = admin.post(
        f"/staff/admin/types/{kk.id}", data=type_form(service_days="abc")
    )
    assert refused.status_code == 422
    assert re.search(
        r'name="service_days"[^>]*value="abc"', refused.get_data(as_text=True)
    )


def test_a_document_type_saved_by_another_admin_meanwhile_is_not_undone(app, admin):
    kk = DocumentType.get(DocumentType.code == "KK")
    url = f"/staff/admin/types/{kk.id}"
    mine = loaded_fingerprint(admin.get(url))
    other = staff_client(app, "second", role="admin")
    theirs = loaded_fingerprint(other.get(url))
    assert (
        other.post(url, data=type_form(service_days="14", loaded=theirs)).status_code
        == 303
    )

    refused = admin.post(url, data=type_form(service_days="10", loaded=mine))
    page = " ".join(refused.get_data(as_text=True).split())
    assert refused.status_code == 409
    assert "Someone else saved changes here" in page
    assert re.search(r"<dt>Service days</dt><dd[^>]*>14</dd>", page)
    assert 'name="service_days" type="text" value="10"' in page  # the form as left
    assert DocumentType.get_by_id(kk.id).service_days == 14
    # The page now carries their values' fingerprint: saving again replaces them.
    again = admin.post(
        url, data=type_form(service_days="10", loaded=loaded_fingerprint(refused))
    )
    assert again.status_code == 303
    assert DocumentType.get_by_id(kk.id).service_days == 10
    # The same form sent twice (a double click) is no conflict: it is already saved.
    assert (
        admin.post(url, data=type_form(service_days="10", loaded=mine)).status_code
        == 303
    )


def test_office_settings_saved_by_another_admin_meanwhile_are_not_undone(app, admin):
    mine = loaded_fingerprint(admin.get("/staff/admin/office"))
    other = staff_client(app, "second", role="admin")
    theirs = loaded_fingerprint(other.get("/staff/admin/office"))
    saved = other.post(
        "/staff/admin/office", data=office_form(phone="0754 123", loaded=theirs)
    )
    assert saved.status_code == 303
    refused = admin.post(
        "/staff/admin/office",
        data=office_form(phone="0754 999", address="Jl. Baru", loaded=mine),
    )
    assert refused.status_code == 409
    assert "<title>Error:" in refused.get_data(as_text=True)
    office = OfficeSettings.select().get()
    assert (office.phone, office.address) == ("0754 123", OFFICE["address"])


WARNING = "The site's public address is not set."


def test_admins_are_warned_until_the_public_address_is_set(app, admin, clerk):
    for path in ("/staff", "/staff/admin/office", "/staff/admin/kiosks"):
        page = admin.get(path).get_data(as_text=True)
        assert WARNING in page, path
        assert "Receipts and QR codes now carry http://localhost/" in page
    kiosks = admin.get("/staff/admin/kiosks").get_data(as_text=True)
    assert "use http://localhost/ until the public address is set" in kiosks
    # Clerks cannot change it: they are not told.
    assert WARNING not in clerk.get("/staff").get_data(as_text=True)
    admin.post(
        "/staff/admin/office",
        data=office_form(public_base_url="https://dukcapil.sijunjungkab.go.id"),
    )
    for path in ("/staff", "/staff/admin/kiosks"):
        page = admin.get(path).get_data(as_text=True)
        assert WARNING not in page and "until the public address is set" not in page


def test_no_warning_when_the_server_names_its_public_address(make_app):
    app = make_app(PUBLIC_BASE_URL="https://dukcapil.sijunjungkab.go.id")
    admin = staff_client(app, "boss", role="admin")
    assert WARNING not in admin.get("/staff").get_data(as_text=True)


def test_a_kiosks_start_address_can_be_copied_with_one_tap(app, admin):
    admin.post("/staff/admin/kiosks", data={"name": "Lobby", "paper_width": "80"})
    kiosk = KioskDevice.get(KioskDevice.name == "Lobby")
    page = admin.get("/staff/admin/kiosks").get_data(as_text=True)
    target = f"start-url-{kiosk.id}"
    assert f'<code class="start-url" id="{target}">' in page
    # Hidden until the script can copy; the address stays selectable without it.
    assert f'data-copy="{target}"' in page and "Copy" in page
