"""Template helpers: locale-aware filters, language links, htmx fragments."""

import hashlib
from urllib.parse import quote, urlencode

from flask import current_app, g, make_response, render_template, request, url_for
from flask_babel import format_decimal
from htmx_flask import request as htmx_request

from . import dateformat, tracking


def wants_fragment():
    """An htmx request that is neither boosted nor a history restore gets a fragment."""
    hx = getattr(htmx_request, "htmx", None)
    return bool(hx) and not hx.boosted and not hx.history_restore_request


def requirements_swap(document_types):
    """The chosen document type's requirements, when htmx asks to swap them into
    the form; None for any other request, which gets the whole form (a boosted
    or restored page load too, whatever its headers say)."""
    if not wants_fragment() or htmx_request.htmx.target != "document-type-details":
        return None
    chosen = document_types.get(request.args.get("document_type"))
    page = render_template("partials/document_type_details.html", document_type=chosen)
    response = make_response(page)
    response.headers["Vary"] = "HX-Request"
    return response


def language_url(locale):
    """The current page in another language (GET pages only; others go home)."""
    if request.method != "GET" or request.endpoint is None:
        return url_for("public.home", lang=locale)
    args = request.args.to_dict()
    args["lang"] = locale
    return quote(request.path) + "?" + urlencode(args)


def public_url(endpoint, **values):
    """An absolute URL built from the office's public base URL (or the request host)."""
    base = current_app.config.get("PUBLIC_BASE_URL") or (
        g.office.public_base_url if g.get("office") else ""
    )
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def qr_image_url(number):
    """The address of a request's QR image, naming what the code holds.

    The image is cached for a year as immutable; when the office's public
    address changes, the code changes and so must the address it is kept under.
    """
    holds = public_url("public.tracking_page", number=number)
    version = hashlib.sha256(holds.encode()).hexdigest()[:10]
    return url_for("public.qr_svg", number=number, v=version)


def office_context():
    """The office's details for every template (the layout shows them)."""
    office = g.get("office")
    if office is None:
        return {"office": None, "office_name": ""}
    from .i18n import current_locale

    return {"office": office, "office_name": office.localized("office_name", current_locale())}


def init_app(app):
    app.context_processor(office_context)
    app.jinja_env.filters.update(
        date=dateformat.format_date,
        datetime=dateformat.format_datetime,
        number=format_decimal,
        tracking=tracking.display,
    )
    app.jinja_env.globals.update(
        language_url=language_url, public_url=public_url, qr_image_url=qr_image_url
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
