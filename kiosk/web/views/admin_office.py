"""Admin pages: office settings, kiosks, the audit trail, the security event
log and the CSV export."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext

from kiosk.data.models import KioskDevice, OfficeSettings, StaffMember
from kiosk.domain import validation
from kiosk.services import administration, audit, queue, security_log
from kiosk.services.edit_guard import EditConflict, fingerprint
from kiosk.web import audit_labels, auth, csv_export, security_labels
from kiosk.web.dates import office_today, office_zone
from kiosk.web.forms import INVALID_FORM, form_status
from kiosk.web.forms.admin import KioskForm, OfficeForm
from kiosk.web.staff_messages import edit_conflict
from kiosk.web.templating import public_url

bp = Blueprint("admin_office", __name__, url_prefix="/staff/admin")
bp.before_request(auth.require_admin)


@bp.route("/office", methods=["GET", "POST"])
def office():
    """The office's details, the public address in QR codes, and kiosk timings."""
    # The saved row itself: each process keeps the settings for a few seconds,
    # and an admin must see (and the fingerprint cover) what is saved.
    office = OfficeSettings.saved()
    form = OfficeForm(obj=office)
    if not form.is_submitted():
        form.loaded.data = fingerprint(administration.office_values(office))
    # KIOSK_PUBLIC_BASE_URL on the server wins over the setting: say so.
    server_base_url = current_app.config.get("PUBLIC_BASE_URL")
    conflict = None
    if form.is_submitted():
        if form.validate():
            try:
                changed = administration.save_office(
                    g.staff, form.data, loaded=form.loaded.data
                )
            except EditConflict as refused:
                conflict = edit_conflict(form, "office", refused, form.data)
            else:
                if changed:
                    flash(gettext("Office settings saved."), "success")
                else:
                    flash(gettext("Nothing was changed."), "info")
                return redirect(url_for("admin_office.office"), 303)
    page = render_template(
        "staff/admin/office.html",
        form=form,
        server_base_url=server_base_url,
        conflict=conflict,
    )
    return page, form_status(form, conflict)


def kiosk_start_url(kiosk):
    """The address a kiosk's browser opens at start-up (it carries the token)."""
    return public_url("kiosk.start", k=kiosk.token)


@bp.route("/kiosks", methods=["GET", "POST"])
def kiosks():
    """Registered kiosks with their start addresses, and a form to add one."""
    form = KioskForm()
    if form.is_submitted():
        if form.validate():
            kiosk = administration.register_kiosk(
                g.staff, form.name.data, int(form.paper_width.data)
            )
            flash(
                gettext(
                    "Kiosk %(name)s registered. Open its start address in the "
                    "kiosk's browser.",
                    name=kiosk.name,
                ),
                "success",
            )
            return redirect(url_for("admin_office.kiosks"), 303)
        status = INVALID_FORM
    else:
        status = 200
    return (
        render_template(
            "staff/admin/kiosks.html",
            form=form,
            kiosks=administration.kiosks_with_counts(),
            start_url=kiosk_start_url,
        ),
        status,
    )


@bp.post("/kiosks/<int:kiosk_id>/active")
def kiosk_active(kiosk_id):
    """Switch a kiosk off (its start address stops working) or on again."""
    kiosk = KioskDevice.get_or_none(KioskDevice.id == kiosk_id)
    if kiosk is None:
        abort(404)
    active = request.form.get("active") == "1"
    kiosk = administration.set_kiosk_active(g.staff, kiosk, active)
    message = (
        gettext(
            "Kiosk %(name)s is on again, with a new start address: open it in "
            "the kiosk's browser (the old one no longer works).",
            name=kiosk.name,
        )
        if active
        else gettext("Kiosk %(name)s is switched off.", name=kiosk.name)
    )
    flash(message, "success")
    return redirect(url_for("admin_office.kiosks"), 303)


@bp.get("/audit")
def audit_trail():
    """Every admin change: who, what and when, newest first."""
    # Only a plain id that fits a 64-bit column; anything else starts at the top.
    events, next_before = audit.admin_changes_page(
        validation.plain_int(request.args.get("before"), max_digits=18)
    )
    return render_template(
        "staff/admin/audit.html",
        events=events,
        next_before=next_before,
        audit_details=audit_labels.details,
        audit_action_label=audit_labels.action_label,
    )


@bp.get("/security")
def security_events():
    """Sign-ins, refusals, searches for residents and openings of their
    details: who, from where and when, newest first, by kind or person."""
    kind = request.args.get("kind", "")
    kind = kind if kind in security_log.KINDS else ""
    staff_id = validation.plain_int(request.args.get("staff"))
    events, next_before = security_log.page(
        kind=kind or None,
        staff_id=staff_id,
        before_id=validation.plain_int(request.args.get("before"), max_digits=18),
    )
    return render_template(
        "staff/admin/security.html",
        events=events,
        next_before=next_before,
        kind=kind,
        staff_id=staff_id,
        kinds=security_labels.kind_choices(),
        members=StaffMember.select().order_by(StaffMember.display_name),
        kind_label=security_labels.kind_label,
        event_details=security_labels.details,
        days=current_app.config["SECURITY_LOG_DAYS"],
    )


@bp.get("/export.csv")
def export():
    """The queue as filtered on screen, as a CSV file for spreadsheets; the
    NIK and phone number only when asked for (`personal=1`), and recorded."""
    filters = queue.Filters.from_args(request.args)
    personal = request.args.get("personal") == "1"
    details = filters.for_audit() | {"personal_data": personal}
    audit.record_admin_change(g.staff, "queue.export", "", details)
    rows = queue.every_row(filters, today=office_today(), zone=office_zone())
    filename = f"permohonan-{office_today().isoformat()}.csv"
    return Response(
        stream_with_context(csv_export.lines(rows, personal=personal)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
