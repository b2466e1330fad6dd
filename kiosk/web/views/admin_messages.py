"""Admin page: how messages reach residents (provider, sender, quiet hours),
what the provider still needs from the configuration, and the outbox's week."""

from flask import Blueprint, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext

from kiosk.services import message_settings, providers
from kiosk.web import auth, notifications
from kiosk.web.forms import INVALID_FORM
from kiosk.web.forms.messages import MessageSettingsForm

bp = Blueprint("admin_messages", __name__, url_prefix="/staff/admin")
bp.before_request(auth.require_admin)


def _page(form, status=200):
    settings = message_settings.current()
    prefix = current_app.config["NOTIFY_WHATSAPP_TEMPLATE_PREFIX"]
    page = render_template(
        "staff/admin/messages.html",
        form=form,
        settings=settings,
        missing=providers.missing_settings(settings.provider, current_app.config),
        counts=message_settings.counts_by_state(),
        template_prefix=prefix,
        templates={
            language: notifications.template_bodies(language, settings.sender_name)
            for language in ("id", "en")
        },
    )
    return page, status


@bp.route("/messages", methods=["GET", "POST"])
def messages():
    """Messages to residents: the provider and the rules they follow."""
    form = MessageSettingsForm()
    if not form.is_submitted():
        form.fill(message_settings.current())
        return _page(form)
    if not form.validate():
        return _page(form, INVALID_FORM)
    if message_settings.save(g.staff, form.values()):
        flash(gettext("The message settings were saved."), "success")
    else:
        flash(gettext("Nothing was changed."), "info")
    return redirect(url_for("admin_messages.messages"), 303)
