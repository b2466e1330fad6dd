"""htmx: whether a request gets a fragment or the whole page, in-place field
checks and requirement lists. Every view asks here, so each rule is written once."""

from flask import make_response, render_template, request
from htmx_flask import request as htmx_request

# Hidden fields that are never checked on their own.
NOT_CHECKED_ALONE = ("form_token", "csrf_token")


def is_htmx_request():
    """Any request htmx made, boosted page loads included (they follow HX-Redirect)."""
    return bool(getattr(htmx_request, "htmx", None))


def wants_fragment():
    """An htmx request that is neither boosted nor a history restore gets a fragment."""
    hx = getattr(htmx_request, "htmx", None)
    return bool(hx) and not hx.boosted and not hx.history_restore_request


def fragment_or_page(
    page_template, fragment_template, status=200, headers=None, **context
):
    """The full page, or its fragment for an htmx swap (Vary set), with a status
    code and extra headers."""
    template = fragment_template if wants_fragment() else page_template
    response_headers = {"Vary": "HX-Request", **(headers or {})}
    return render_template(template, **context), status, response_headers


def field_check(form):
    """For an htmx in-place check of one field (sent when it changes): that
    field checked alone and shown again. None when the whole form was sent."""
    name = htmx_request.htmx.trigger_name if htmx_request.htmx else None
    if name not in form._fields or name in NOT_CHECKED_ALONE:
        return None
    form.validate_field(name)
    return render_template("partials/apply_field.html", form=form, field=form[name])


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
