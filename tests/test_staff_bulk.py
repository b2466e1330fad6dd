"""Moving many requests to one status at once, with a result for each."""

import re

import pytest

from kiosk.data.models import StatusEvent, Submission
from kiosk.domain import tracking
from kiosk.services import submissions
from tests.support.factories import make_submission
from tests.support.staff import (  # noqa: F401
    fast_passwords,
    htmx_headers,
    make_staff,
    staff_client,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")


def ticked(*requests, version_offset=0):
    return [f"{s.number}:{s.version + version_offset}" for s in requests]


def bulk(client, selected, target, htmx=False, filters="", **notes):
    data = {
        "selected": selected,
        "target": target,
        "public_note": notes.get("public_note", ""),
        "internal_note": notes.get("internal_note", ""),
        "filters": filters,
    }
    headers = htmx_headers("queue") if htmx else {}
    # Without htmx a change redirects to the list, which shows the results.
    return client.post("/staff/bulk", data=data, headers=headers, follow_redirects=True)


def result_rows(html):
    section = html.split('class="bulk-result"', 1)[1].split("</section>", 1)[0]
    return re.findall(
        r"<tr class=\"(result-\w+)\">.*?>([0-9A-Z-]{11})</a>", section, re.S
    )


def test_bulk_moves_every_ticked_request_and_reports_each(app, clerk):
    first, second, third = (make_submission() for _ in range(3))
    untouched = make_submission()
    response = bulk(
        clerk, ticked(first, second, third), "verifying", internal_note="batch"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "3 of 3 requests changed." in html
    assert html.count("Changed to “Being checked”.") == 3
    for s in (first, second, third):
        after = Submission.get_by_id(s.id)
        assert after.status == "verifying"
        event = StatusEvent.get(
            (StatusEvent.submission == s.id) & (StatusEvent.to_status == "verifying")
        )
        assert (event.staff.username, event.internal_note) == ("clerk", "batch")
    assert Submission.get_by_id(untouched.id).status == "submitted"


def test_bulk_refuses_per_request_and_says_why(app, clerk):
    fine = make_submission()
    already_ready = make_submission(status="ready")
    changed_meanwhile = make_submission()
    colleague = make_staff("colleague")
    listed = ticked(fine, already_ready, changed_meanwhile)
    submissions.move(
        changed_meanwhile,
        "rejected",
        version=changed_meanwhile.version,
        staff=colleague,
        public_note="Duplikat.",
    )
    response = bulk(clerk, listed + ["000000000:0"], "verifying", htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 of 4 requests changed." in html
    assert "cannot be moved to “Being checked”" in html  # the ready one
    assert "someone changed it after this list was loaded; it is now “Rejected”" in html
    assert "there is no request with this number" in html
    assert [r[0] for r in result_rows(html)] == [
        "result-ok",
        "result-refused",
        "result-refused",
        "result-refused",
    ]
    assert Submission.get_by_id(fine.id).status == "verifying"
    assert Submission.get_by_id(already_ready.id).status == "ready"
    assert Submission.get_by_id(changed_meanwhile.id).status == "rejected"
    # The ones left as they were stay ticked, to try another status.
    assert f'value="{already_ready.number}:{already_ready.version}" ' in html
    assert re.search(
        rf'value="{already_ready.number}:\d+"[^>]*data-select-row checked', html
    )
    assert not re.search(
        rf'value="{fine.number}:\d+"[^>]*data-select-row checked', html
    )


def test_a_bulk_change_that_moves_nothing_keeps_the_clerks_choice(app, clerk):
    ready = make_submission(status="ready")
    response = bulk(
        clerk, ticked(ready), "verifying", htmx=True, internal_note="batch 7"
    )
    html = response.get_data(as_text=True)
    assert "None of the" not in html  # one request: the singular
    assert "The request was not changed." in html
    assert 'class="bulk-result bulk-result--none"' in html
    assert re.search(r'name="target" value="verifying"[^>]*checked', html)
    assert ">batch 7</textarea>" in html
    assert re.search(rf'value="{ready.number}:\d+"[^>]*data-select-row checked', html)


def test_bulk_needs_a_reason_for_needs_info_and_rejected(app, clerk):
    request = make_submission()
    response = bulk(clerk, ticked(request), "rejected", htmx=True)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Nothing was changed" in html
    assert (
        "Write in the note for the resident why the request cannot be processed."
        in html
    )
    assert Submission.get_by_id(request.id).status == "submitted"
    done = bulk(clerk, ticked(request), "rejected", public_note="Permohonan ganda.")
    assert "1 of 1 request changed." in done.get_data(as_text=True)


def test_bulk_without_a_selection_or_target_changes_nothing(app, clerk):
    request = make_submission()
    nothing = bulk(clerk, [], "verifying", htmx=True)
    assert nothing.status_code == 422
    assert "Select at least one request" in nothing.get_data(as_text=True)
    no_target = bulk(clerk, ticked(request), "", htmx=True)
    assert no_target.status_code == 422
    assert "Choose the new status" in no_target.get_data(as_text=True)
    assert Submission.get_by_id(request.id).status == "submitted"


def test_bulk_result_fragment_keeps_the_list_filtered_and_full_page_without_htmx(
    app, clerk
):
    sms = make_submission(channel="sms")
    web = make_submission(channel="web")
    fragment = bulk(clerk, ticked(sms), "verifying", htmx=True, filters="channel=sms")
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="queue"')
    assert f'value="{sms.number}:{sms.version + 1}"' in html  # refreshed list
    assert web.number not in html
    assert 'id="channel"' in html and '<option value="sms" selected>' in html
    page = bulk(clerk, ticked(web), "verifying", filters="channel=web")
    assert page.get_data(as_text=True).startswith("<!doctype html>")
    assert "1 of 1 request changed." in page.get_data(as_text=True)


def test_bulk_without_htmx_lands_on_the_list_so_a_reload_sends_nothing(app, clerk):
    first, second = make_submission(channel="sms"), make_submission(channel="sms")
    sent = clerk.post(
        "/staff/bulk",
        data={
            "selected": ticked(first),
            "target": "verifying",
            "filters": "channel=sms&order=newest",
        },
    )
    assert sent.status_code == 303
    assert (
        sent.headers["Location"]
        == "/staff?channel=sms&order=newest#bulk-result-heading"
    )
    # Another tab's in-place update does not take the results.
    fragment = clerk.get("/staff", headers=htmx_headers("queue")).get_data(as_text=True)
    assert 'class="bulk-result"' not in fragment
    shown = clerk.get(sent.headers["Location"]).get_data(as_text=True)
    assert result_rows(shown) == [("result-ok", tracking.display(first.number))]
    assert f'value="{second.number}:{second.version}"' in shown  # the filtered list
    # Reloading the address shows the list alone and moves nothing again.
    again = clerk.get(sent.headers["Location"])
    assert again.status_code == 200
    assert 'class="bulk-result"' not in again.get_data(as_text=True)
    assert StatusEvent.select().where(StatusEvent.to_status == "verifying").count() == 1


def test_bulk_is_limited_to_a_hundred_requests(app, clerk):
    request = make_submission()
    response = bulk(clerk, ticked(request) * 101, "verifying")
    assert response.status_code == 422
    assert "at most 100 requests" in response.get_data(as_text=True)


def test_a_forged_overlong_number_is_no_request(app, clerk):
    response = bulk(clerk, ["X" * 40 + ":0"], "verifying")
    assert response.status_code == 422
    assert StatusEvent.select().where(StatusEvent.to_status == "verifying").count() == 0
