"""JSON API for the phone app and messaging bots."""

from flask import Blueprint, current_app, jsonify, request

from kiosk.web import i18n, openapi, revalidation, stats_pages, stats_tables
from kiosk.web.security import csrf, limit_lookups
from kiosk.web.views import lookup

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # read-only


@bp.get("/track/<number>")
@limit_lookups
def track(number):
    """A request's public status as JSON (language from ?lang= or
    Accept-Language), revalidated like the tracking page (web/revalidation.py)."""
    number = lookup.canonical(number)
    check = revalidation.of_request(number, "json")
    if check is None:
        raise lookup.not_found(number)
    if check.still_fresh():
        return check.not_modified()
    record = lookup.find(number)
    view = lookup.public_view(record)
    return check.attach(_status_json(record, view))


def _status_json(record, view):
    return jsonify(
        number=record.number,
        display_number=record.display_number,
        document_type={"code": record.document_code, "name": view["document_name"]},
        status={
            "code": view["status"],
            "label": str(view["status_label"]),
            "explanation": str(view["explanation"]),
            "next_step": str(view["next_step"]),
        },
        timeline=[
            {
                "status": event.status,
                "label": str(i18n.STATUS_LABELS[event.status]),
                "note": event.note,
                "at": event.at.isoformat(timespec="seconds") + "Z",
            }
            for event in record.events
        ],
        # As on the page: the expected date while the document is awaited, and
        # where and when to come once the office needs the resident.
        expected_date=(
            record.due_date.isoformat() if view["awaits_document"] else None
        ),
        office=_office(view["office"]) if view["show_office"] else None,
        still_needed=view["still_needed"],
        created_at=record.created_at.isoformat(timespec="seconds") + "Z",
        language=i18n.current_locale(),
    )


def _office(office):
    locale = i18n.current_locale()
    return {
        "name": office.localized("office_name", locale),
        "address": office.address,
        "opening_hours": office.localized("opening_hours", locale),
        "whatsapp": office.whatsapp or None,
    }


@bp.get("/stats")
def statistics():
    """The service statistics of a period as JSON (small counts shown as "<5")."""
    view = stats_pages.context(request.args)
    return jsonify(
        stats_tables.as_json(view["tables"], view["period"])
        | {"language": i18n.current_locale()}
    )


@bp.get("/openapi.json")
def openapi_document():
    """This API described in OpenAPI 3.1 (kiosk/web/openapi.py)."""
    response = current_app.response_class(openapi.TEXT, mimetype="application/json")
    # The same for everyone until the next release, and no personal data:
    # clients and proxies may keep it for an hour.
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@bp.errorhandler(lookup.LookupFailed)
def explain_lookup(failure):
    """A mistyped (400) or unknown (404) number, as JSON."""
    error = {
        "code": failure.code,
        "status": failure.status,
        "message": str(failure.message),
    }
    return jsonify(error=error), failure.status
