"""Admin pages: staff accounts and document types."""

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext

from kiosk.data.models import DocumentType, StaffMember
from kiosk.services import administration, second_factor, security_log
from kiosk.services.accounts import AccountError
from kiosk.services.edit_guard import EditConflict, fingerprint
from kiosk.web import auth, security_events, sign_in
from kiosk.web.forms import INVALID_FORM, form_status
from kiosk.web.forms.admin import (
    PASSWORD_MESSAGES,
    DocumentTypeForm,
    PasswordResetForm,
    StaffCreateForm,
    StaffEditForm,
)
from kiosk.web.i18n import lazy_gettext as _l
from kiosk.web.staff_messages import edit_conflict

bp = Blueprint("admin", __name__, url_prefix="/staff/admin")
bp.before_request(auth.require_admin)

ACCOUNT_ERRORS = {
    "username_invalid": _l(
        "Use 2 to 64 lower-case letters, digits, dots, hyphens or underscores, "
        "starting with a letter or digit."
    ),
    "username_taken": _l("There is already an account with this username."),
    **PASSWORD_MESSAGES,
    "role_invalid": _l("Choose a role."),
    "last_admin": _l(
        "This is the last active administrator. Make another account an "
        "administrator first."
    ),
}


@bp.get("")
def index():
    """The admin overview: links to every admin task."""
    return render_template("staff/admin/index.html")


@bp.route("/staff", methods=["GET", "POST"])
def staff_list():
    """Staff accounts, and a form to add one."""
    form = StaffCreateForm()
    status = 200
    if form.is_submitted():
        if form.validate():
            try:
                member = administration.create_member(
                    g.staff,
                    form.username.data,
                    form.password.data,
                    role=form.role.data,
                    display_name=form.display_name.data,
                )
            except AccountError as error:
                form.username.errors.append(ACCOUNT_ERRORS[error.code])
            else:
                flash(
                    gettext("Account %(name)s created.", name=member.username),
                    "success",
                )
                return redirect(url_for("admin.staff_list"), 303)
        status = INVALID_FORM
    members = StaffMember.select().order_by(
        StaffMember.active.desc(), StaffMember.username
    )
    return (
        render_template("staff/admin/staff_list.html", form=form, members=members),
        status,
    )


def _member_or_404(member_id):
    member = StaffMember.get_or_none(StaffMember.id == member_id)
    if member is None:
        abort(404)
    return member


def _member_form(member):
    """The account form filled from what is saved, with its fingerprint."""
    form = StaffEditForm(obj=member, formdata=None)
    form.loaded.data = fingerprint(administration.member_values(member))
    return form


def _member_page(member, edit_form, password_form, status=200, conflict=None):
    return (
        render_template(
            "staff/admin/staff_edit.html",
            member=member,
            form=edit_form,
            password_form=password_form,
            conflict=conflict,
            second_factor_on=second_factor.is_on(member),
        ),
        status,
    )


@bp.route("/staff/<int:member_id>", methods=["GET", "POST"])
def staff_edit(member_id):
    """Change an account's name, role or active flag."""
    member = _member_or_404(member_id)
    no_password = PasswordResetForm(formdata=None)
    if request.method != "POST":
        return _member_page(member, _member_form(member), no_password)
    form = StaffEditForm(obj=member)
    conflict = None
    if form.validate():
        try:
            administration.update_member(
                g.staff,
                member,
                role=form.role.data,
                active=form.active.data,
                display_name=form.display_name.data,
                loaded=form.loaded.data,
            )
        except AccountError as error:
            form.role.errors.append(ACCOUNT_ERRORS[error.code])
        except EditConflict as refused:
            conflict = edit_conflict(form, "staff", refused, form.data)
        else:
            flash(
                gettext("Changes to %(name)s saved.", name=member.username), "success"
            )
            if member.id == g.staff.id and (
                form.role.data != "admin" or not form.active.data
            ):
                # This page is closed to them now (signed out, if switched off).
                return redirect(url_for("staff.queue_page"), 303)
            return redirect(url_for("admin.staff_edit", member_id=member.id), 303)
    return _member_page(
        member, form, no_password, form_status(form, conflict), conflict
    )


@bp.post("/staff/<int:member_id>/password")
def staff_password(member_id):
    """Set a new password; the account's sessions end and any lock-out lifts."""
    member = _member_or_404(member_id)
    form = PasswordResetForm()
    form.account = member
    if not form.validate():
        return _member_page(member, _member_form(member), form, INVALID_FORM)
    administration.reset_password(g.staff, member, form.password.data)
    sign_in.clear_failures(member)
    security_events.log(
        security_log.PASSWORD_CHANGED, subject=member.username, details={"by": "admin"}
    )
    flash(
        gettext(
            "New password set for %(name)s. Their open sessions have ended.",
            name=member.username,
        ),
        "success",
    )
    return redirect(url_for("admin.staff_edit", member_id=member.id), 303)


@bp.post("/staff/<int:member_id>/unlock")
def staff_unlock(member_id):
    """Lift the wait after failed sign-ins and forget them all (on the
    account and on its name), so the next failure is a first one again."""
    member = _member_or_404(member_id)
    administration.unlock(g.staff, member)
    sign_in.clear_failures(member)
    flash(gettext("%(name)s can sign in again.", name=member.username), "success")
    return redirect(url_for("admin.staff_edit", member_id=member.id), 303)


@bp.post("/staff/<int:member_id>/second-factor/remove")
def staff_second_factor_remove(member_id):
    """Turn a member's two-step sign-in off (a lost or replaced phone): they
    sign in with the password alone and may set it up again."""
    member = _member_or_404(member_id)
    if second_factor.remove_by_admin(g.staff, member):
        security_events.log(
            security_log.SECOND_FACTOR_CHANGED,
            subject=member.username,
            details={"change": "removed", "by": "admin"},
        )
        flash(
            gettext("Two-step sign-in turned off for %(name)s.", name=member.username),
            "success",
        )
    return redirect(url_for("admin.staff_edit", member_id=member.id), 303)


@bp.get("/types")
def types():
    """Document types in display order."""
    return render_template(
        "staff/admin/types.html",
        types=DocumentType.select().order_by(DocumentType.position, DocumentType.code),
    )


@bp.route("/types/new", methods=["GET", "POST"])
@bp.route("/types/<int:type_id>", methods=["GET", "POST"])
def type_edit(type_id=None):
    """Add a document type, or edit one's names, requirements, days and order."""
    document_type = None
    if type_id is not None:
        document_type = DocumentType.get_or_none(DocumentType.id == type_id)
        if document_type is None:
            abort(404)
    form = DocumentTypeForm(obj=document_type)
    if document_type is None and not form.is_submitted():
        form.active.data = True
        form.service_days.data = 3
        form.position.data = DocumentType.select().count()
    if document_type is not None:
        form.code.data = document_type.code  # the code never changes
        if not form.is_submitted():
            loaded = administration.document_type_values(document_type)
            form.loaded.data = fingerprint(loaded)
    conflict = None
    if form.is_submitted():
        if form.validate():
            values = form.values()
            try:
                saved = administration.save_document_type(
                    g.staff, document_type, values, loaded=form.loaded.data
                )
            except administration.DuplicateCode:
                form.code.errors.append(
                    gettext("There is already a document type with this code.")
                )
            except EditConflict as refused:
                conflict = edit_conflict(form, "document_type", refused, values)
            else:
                flash(gettext("%(code)s saved.", code=saved.code), "success")
                return redirect(url_for("admin.types"), 303)
    page = render_template(
        "staff/admin/type_edit.html",
        form=form,
        document_type=document_type,
        conflict=conflict,
    )
    return page, form_status(form, conflict)
