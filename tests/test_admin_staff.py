"""Admin: staff accounts (create, role, deactivate, reset password, unlock,
remove a second factor)."""

import datetime as dt
import json

import pytest

from kiosk.data.models import (
    AdminEvent,
    SecurityEvent,
    SignInDelay,
    StaffMember,
    StaffSecondFactor,
)
from kiosk.services import accounts, second_factor, security_log
from tests.support.staff import (  # noqa: F401
    PASSWORD,
    english,
    fast_passwords,
    loaded_fingerprint,
    make_staff,
    sign_in,
    staff_client,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")


def member(username):
    return StaffMember.get(StaffMember.username == username)


def events(action):
    return list(AdminEvent.select().where(AdminEvent.action == action))


def edit(client, username, **values):
    data = {
        "display_name": values.get("display_name", username.title()),
        "role": values.get("role", "staff"),
    }
    if values.get("active", True):
        data["active"] = "y"
    return client.post(f"/staff/admin/staff/{member(username).id}", data=data)


def test_admin_creates_an_account_that_can_sign_in(app, admin):
    response = admin.post(
        "/staff/admin/staff",
        data={
            "username": "Rina",
            "display_name": "Rina Wati",
            "role": "staff",
            "password": "ten chars ok",
            "password_again": "ten chars ok",
        },
    )
    assert response.status_code == 303
    assert "Account rina created." in admin.get("/staff/admin/staff").get_data(
        as_text=True
    )
    created = member("rina")
    assert (created.role, created.display_name) == ("staff", "Rina Wati")
    [event] = events("staff.create")
    assert (event.staff.username, event.target) == ("boss", "rina")
    assert "ten chars" not in event.details  # never a password in the trail
    assert (
        sign_in(english(app.test_client()), "rina", "ten chars ok").status_code == 303
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"password": "eleven char", "password_again": "eleven char"},
            "Use at least 12 characters.",
        ),
        (
            {"password": "password1234", "password_again": "password1234"},
            "This password is too common or too easy to guess.",
        ),
        (
            {"password": "Rina's own pass 24", "password_again": "Rina's own pass 24"},
            "Do not use the username or the name of the account in the password.",
        ),
        (
            {
                "display_name": "Siti Rahma",
                "password": "ok sitirahma 88",
                "password_again": "ok sitirahma 88",
            },
            "Do not use the username or the name of the account in the password.",
        ),  # fmt: skip
        ({"password_again": "something else"}, "The two passwords differ."),
        ({"username": "boss"}, "There is already an account with this username."),
        ({"username": "no spaces"}, "Use 2 to 64 lower-case letters"),
        ({"display_name": ""}, "This field is required."),
        ({"display_name": "\u200b\u200b"}, "This field is required."),  # invisible
        ({"display_name": "R" * 121}, "Use at most 120 characters."),
        ({"role": "root"}, "Choose one of the options shown."),
    ],
)
def test_account_creation_refuses_bad_input(app, admin, values, message):
    data = {
        "username": "rina",
        "display_name": "Rina",
        "role": "staff",
        "password": "ten chars ok",
        "password_again": "ten chars ok",
        **values,
    }
    response = admin.post("/staff/admin/staff", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert StaffMember.select().count() == 1


def test_wtforms_checks_speak_indonesian_too(app, admin):
    """WTForms ships no Indonesian: the checks it runs carry our messages."""
    data = {"username": "rina", "display_name": "R" * 121, "role": "root",
            "password": "ten chars ok", "password_again": "ten chars ok"}  # fmt: skip
    page = admin.post("/staff/admin/staff?lang=id", data=data).get_data(as_text=True)
    assert "Gunakan paling banyak 120 karakter." in page
    assert "Pilih salah satu pilihan yang tersedia." in page
    assert "Not a valid choice" not in page and "Field cannot be longer" not in page


def test_role_change_and_deactivation_are_recorded(app, admin):
    make_staff("rina")
    assert edit(admin, "rina", role="admin").status_code == 303
    assert member("rina").role == "admin"
    assert edit(admin, "rina", role="admin", active=False).status_code == 303
    assert not member("rina").active
    details = [json.loads(e.details) for e in events("staff.update")]
    assert details == [{"role": ["staff", "admin"]}, {"active": [True, False]}]


def test_deactivating_an_account_ends_its_sessions(app, admin):
    make_staff("rina")
    rina = english(app.test_client())
    sign_in(rina, "rina")
    assert rina.get("/staff").status_code == 200
    edit(admin, "rina", active=False)
    assert rina.get("/staff").status_code == 303
    assert sign_in(rina, "rina").status_code == 422


def test_the_last_active_admin_cannot_be_removed(app, admin):
    demote = edit(admin, "boss", role="staff")
    assert demote.status_code == 422
    assert "This is the last active administrator" in demote.get_data(as_text=True)
    deactivate = edit(admin, "boss", role="admin", active=False)
    assert deactivate.status_code == 422
    assert member("boss").role == "admin" and member("boss").active
    # With a second admin, the first may step down.
    make_staff("second", role="admin")
    stepped_down = edit(admin, "boss", role="staff")
    assert stepped_down.status_code == 303
    assert member("boss").role == "staff"
    # Off to the queue with the news, not to an admin page now closed to them.
    assert stepped_down.headers["Location"] == "/staff"
    assert "Changes to boss saved." in admin.get("/staff").get_data(as_text=True)
    # A deactivated admin does not count.
    StaffMember.update(active=False).where(StaffMember.username == "boss").execute()
    third = staff_client(app, "third", role="admin")
    assert edit(third, "second", role="staff").status_code == 303
    assert edit(third, "third", role="staff").status_code == 422


def test_reset_password_replaces_it_unlocks_and_ends_sessions(app, admin):
    make_staff("rina")
    rina = english(app.test_client())
    sign_in(rina, "rina")
    StaffMember.update(failed_logins=5, locked_until=dt.datetime(2099, 1, 1)).where(
        StaffMember.username == "rina"
    ).execute()
    page = admin.get(f"/staff/admin/staff/{member('rina').id}").get_data(as_text=True)
    assert "Unlock now" in page
    response = admin.post(
        f"/staff/admin/staff/{member('rina').id}/password",
        data={"password": "a new secret!", "password_again": "a new secret!"},
    )
    assert response.status_code == 303
    after = member("rina")
    assert accounts.password_matches(after, "a new secret!")
    assert (after.failed_logins, after.locked_until) == (0, None)
    assert rina.get("/staff").status_code == 303  # the old session is over
    assert sign_in(rina, "rina", PASSWORD).status_code == 422
    assert sign_in(rina, "rina", "a new secret!").status_code == 303
    assert len(events("staff.password_reset")) == 1
    [logged] = SecurityEvent.select().where(
        SecurityEvent.kind == security_log.PASSWORD_CHANGED
    )
    assert (logged.staff.username, logged.subject) == ("boss", "rina")
    assert json.loads(logged.details) == {"by": "admin"}


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "Use at least 12 characters."),
        ("qwertyuiop123", "This password is too common or too easy to guess."),
        ("RINA-2024-secret", "Do not use the username or the name of the account"),
    ],
)
def test_a_weak_reset_password_is_refused(app, admin, password, message):
    make_staff("rina")
    response = admin.post(
        f"/staff/admin/staff/{member('rina').id}/password",
        data={"password": password, "password_again": password},
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert accounts.password_matches(member("rina"), PASSWORD)


def test_unlock_lifts_the_wait_and_forgets_every_failure(app, admin):
    make_staff("rina")
    rina = english(app.test_client())
    # Failures counted under the name while the account was switched off ...
    StaffMember.update(active=False).where(StaffMember.username == "rina").execute()
    for _ in range(6):
        sign_in(rina, "rina", "wrong guess")
    assert SignInDelay.select().count() == 1
    StaffMember.update(active=True).where(StaffMember.username == "rina").execute()
    # ... and on the account itself.
    for _ in range(7):
        sign_in(rina, "rina", "wrong guess")
        StaffMember.update(locked_until=dt.datetime(2000, 1, 1)).execute()
    StaffMember.update(locked_until=dt.datetime(2099, 1, 1)).where(
        StaffMember.username == "rina"
    ).execute()
    page = admin.get(f"/staff/admin/staff/{member('rina').id}").get_data(as_text=True)
    assert "the next attempt on this account has to wait until" in page
    response = admin.post(f"/staff/admin/staff/{member('rina').id}/unlock")
    assert response.status_code == 303
    assert (member("rina").failed_logins, member("rina").locked_until) == (0, None)
    assert SignInDelay.select().count() == 0
    assert len(events("staff.unlock")) == 1
    # The next failure is a first one again: no wait.
    again = sign_in(rina, "rina", "wrong guess")
    assert again.status_code == 422 and "Wait" not in again.get_data(as_text=True)
    assert sign_in(rina, "rina").status_code == 303
    # Sent again from the same page: nothing left to lift, nothing recorded.
    admin.post(f"/staff/admin/staff/{member('rina').id}/unlock")
    assert len(events("staff.unlock")) == 1


def test_an_admin_turns_off_a_lost_phones_second_factor(app, admin):
    rina = make_staff("rina")
    factor = second_factor.start_enrolment(rina)
    assert second_factor.confirm(rina, second_factor.code_for(factor.secret))
    url = f"/staff/admin/staff/{rina.id}"
    page = admin.get(url).get_data(as_text=True)
    assert "signs in with a code from an authenticator app" in page
    response = admin.post(f"{url}/second-factor/remove")
    assert response.status_code == 303
    assert "Two-step sign-in turned off for rina." in admin.get(url).text
    assert StaffSecondFactor.select().count() == 0
    [event] = events("staff.second_factor_remove")
    assert (event.staff.username, event.target) == ("boss", "rina")
    [logged] = SecurityEvent.select().where(
        SecurityEvent.kind == security_log.SECOND_FACTOR_CHANGED
    )
    assert (logged.staff.username, logged.subject) == ("boss", "rina")
    assert json.loads(logged.details) == {"by": "admin", "change": "removed"}
    assert factor.secret not in logged.details
    # The password alone signs in now; nothing more to remove.
    assert sign_in(english(app.test_client()), "rina").status_code == 303
    assert "Two-step sign-in is off for this account" in admin.get(url).text
    admin.post(f"{url}/second-factor/remove")
    assert len(events("staff.second_factor_remove")) == 1


def test_staff_list_shows_roles_and_state(app, admin):
    make_staff("rina")
    StaffMember.update(active=False).where(StaffMember.username == "rina").execute()
    page = admin.get("/staff/admin/staff").get_data(as_text=True)
    assert "Switched off" in page and "Administrator" in page
    assert admin.get("/staff/admin/staff/999").status_code == 404


@pytest.mark.parametrize("number", [2**31, 10**25])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/staff/admin/staff/{}"),
        ("post", "/staff/admin/staff/{}/password"),
        ("post", "/staff/admin/staff/{}/unlock"),
        ("post", "/staff/admin/staff/{}/second-factor/remove"),
        ("get", "/staff/admin/types/{}"),
        ("post", "/staff/admin/kiosks/{}/active"),
    ],
)
def test_an_id_too_large_for_the_database_is_no_page(app, admin, method, path, number):
    response = getattr(admin, method)(path.format(number))
    assert response.status_code == 404


def test_an_account_changed_by_another_admin_meanwhile_is_not_undone(app, admin):
    make_staff("rina")
    url = f"/staff/admin/staff/{member('rina').id}"
    mine = loaded_fingerprint(admin.get(url))
    other = staff_client(app, "second", role="admin")
    form = {"display_name": "Rina Wati", "role": "staff", "active": "y"}
    theirs = loaded_fingerprint(other.get(url))
    assert other.post(url, data={**form, "loaded": theirs}).status_code == 303
    refused = admin.post(
        url, data={**form, "display_name": "Rina", "role": "admin", "loaded": mine}
    )
    assert refused.status_code == 409
    assert "Rina Wati" in refused.get_data(as_text=True)
    assert (member("rina").display_name, member("rina").role) == ("Rina Wati", "staff")
    # A page shown again after a refused password carries the guard too.
    again = admin.post(f"{url}/password", data={"password": "x", "password_again": "x"})
    assert again.status_code == 422
    assert loaded_fingerprint(again) == loaded_fingerprint(admin.get(url))


def test_an_admin_who_switches_their_own_account_off_is_not_sent_to_a_closed_page(
    app, admin
):
    make_staff("second", role="admin")
    switched_off = edit(admin, "boss", role="admin", active=False)
    assert switched_off.status_code == 303
    assert switched_off.headers["Location"] == "/staff"
    assert not member("boss").active
