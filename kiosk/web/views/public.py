"""Public pages: home, tracking, receipt, QR codes, health."""

from flask import (
    Blueprint,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext

from kiosk.data.db import db
from kiosk.domain import tracking
from kiosk.services import request_papers
from kiosk.web import (
    caches,
    i18n,
    paper_summary,
    receipt_image,
    revalidation,
    stats_pages,
)
from kiosk.web.i18n import current_locale
from kiosk.web.security import limit_lookups, limit_qr_images
from kiosk.web.templating import public_url
from kiosk.web.views import lookup

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    """Start page: apply, check status, statistics."""
    return render_template("public/home.html", lookup_error=None, lookup_value="")


@bp.get("/track")
@limit_lookups
def track():
    """The lookup form's target: go to the tracking page or explain the mistake."""
    text = request.args.get("number", "")[:200]
    parsed = tracking.parse(text)
    if parsed.ok:
        target = url_for(
            "public.tracking_page", number=parsed.number, lang=request.args.get("lang")
        )
        return redirect(target, 303)
    return (
        render_template(
            "public/home.html",
            lookup_error=i18n.NUMBER_ERRORS[parsed.error],
            lookup_value=text,
        ),
        400,
    )


@bp.get("/t/<number>")
@limit_lookups
def tracking_page(number):
    """Status of one request in plain words, with its public timeline."""
    number = lookup.canonical(number, endpoint="public.tracking_page")
    check = revalidation.of_request(number, "page")
    if check is None:
        raise lookup.not_found(number)
    if check.still_fresh():
        return check.not_modified()

    def render():
        record = lookup.find(number)
        view = lookup.public_view(record)
        papers = request_papers.of_number(number)
        view["paper_rows"] = paper_summary.rows(record, papers, current_locale())
        return render_template("public/tracking.html", **view)

    # The page holds no personal data, cookie or token: the same HTML serves
    # everyone for as long as its ETag, which stands for everything it is
    # made from, stays the same.
    page = caches.page(check.tag, render)
    return check.attach(current_app.response_class(page, mimetype="text/html"))


@bp.get("/t/<number>/receipt")
@limit_lookups
def receipt(number):
    """Receipt: on screen after applying, and printable on A4 or thermal paper."""
    record = lookup.find(number, endpoint="public.receipt")
    paper = request.args.get("paper", "")
    if paper not in ("58", "80"):
        paper = ""
    return render_template(
        "public/receipt.html",
        just_submitted=request.args.get("new") == "1",
        paper=paper,
        **lookup.receipt_view(record),
    )


@bp.get("/t/<number>/receipt.png")
@limit_lookups
def receipt_picture(number):
    """The receipt as a picture to keep on the phone."""
    record = lookup.find(number, endpoint="public.receipt_picture")
    locale = current_locale()
    picture = receipt_image.render(
        record,
        document_name=record.document_name(locale),
        office_name=g.office.localized("office_name", locale),
        tracking_url=public_url("public.tracking_page", number=record.number),
        home_url=public_url("public.home"),
        requirements=lookup.public_view(record)["requirements"],
    )
    # A file name: one word, lower case (tanda-terima in Indonesian).
    kind = gettext("receipt")
    name = f"{kind}-{record.display_number}.png"
    response = current_app.response_class(picture, mimetype="image/png")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


QR_MIMETYPES = {"svg": "image/svg+xml", "png": "image/png"}
QR_CACHE_CONTROL = "public, max-age=31536000, immutable"


def _qr_answer(number, kind):
    """A QR image, or 304 when the browser has it.

    A code is drawn only from the address it holds (and this release's code),
    so its tag is known without drawing it; a revalidation draws nothing and
    so is not counted against the QR images' limit, which guards the drawing.
    """
    number = lookup.well_formed_or_404(number)
    url = public_url("public.tracking_page", number=number)
    title = tracking.display(number) if kind == "svg" else ""
    tag = revalidation.release_tag(kind, url, title)
    if request.if_none_match.contains_weak(tag):
        response = current_app.response_class(status=304)
        del response.headers["Content-Type"]
    else:
        response = _drawn_qr(kind, url, title)
    response.set_etag(tag)
    response.headers["Cache-Control"] = QR_CACHE_CONTROL
    return response


@limit_qr_images
def _drawn_qr(kind, url, title):
    if kind == "svg":
        body = caches.qr_svg(url, title=title)
    else:
        body = caches.qr_png(url)
    return current_app.response_class(body, mimetype=QR_MIMETYPES[kind])


@bp.get("/t/<number>/qr.svg")
def qr_svg(number):
    """QR code of the absolute tracking URL, as SVG (never changes)."""
    return _qr_answer(number, "svg")


@bp.get("/t/<number>/qr.png")
def qr_png(number):
    """QR code of the absolute tracking URL, as PNG (never changes)."""
    return _qr_answer(number, "png")


@bp.get("/stats")
def statistics():
    """Service statistics for a chosen period: requests, documents ready and
    collected, working days to ready, by document, kecamatan, channel, outcome."""
    return render_template("public/stats.html", **stats_pages.context(request.args))


@bp.get("/stats.csv")
def statistics_csv():
    """The statistics' tables as a CSV file (comma or semicolon separated)."""
    separator = stats_pages.SEPARATORS.get(request.args.get("sep"), ",")
    view = stats_pages.context(request.args)
    # A file name: one word, lower case (statistik in Indonesian).
    kind = gettext("statistics")
    name = f"{kind}-{view['period'].start}-{view['period'].end}.csv"
    return current_app.response_class(
        stats_pages.csv_text(view["tables"], separator),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/healthz")
def healthz():
    """Liveness, including a database round-trip."""
    db.execute_sql("SELECT 1").fetchone()
    return {"status": "ok"}


bp.register_error_handler(lookup.LookupFailed, lookup.explain_on_page)
