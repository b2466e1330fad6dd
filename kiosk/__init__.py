"""Document tracking kiosk and site for a civil-registry office."""

from flask import Flask, g, request
from htmx_flask import Htmx

from kiosk import cli, config
from kiosk.data import db, migrations
from kiosk.services import paper_store
from kiosk.web import (
    auth,
    caches,
    hosts,
    i18n,
    kiosk_devices,
    notifications,
    revalidation,
    security,
    templating,
    urls,
)
from kiosk.web.views import (
    admin,
    admin_calendar,
    admin_messages,
    admin_office,
    api,
    apply,
    collection,
    display,
    errors,
    kiosk,
    lost_number,
    papers,
    public,
    staff,
    staff_auth,
    staff_calls,
    staff_collection,
    staff_intake,
    staff_outbox,
    staff_papers,
    staff_report,
    staff_requirements,
)

BLUEPRINTS = (
    public.bp,
    apply.bp,
    lost_number.bp,
    api.bp,
    kiosk.bp,
    staff_auth.bp,
    staff.bp,
    staff_requirements.bp,
    staff_intake.bp,
    staff_outbox.bp,
    admin.bp,
    admin_office.bp,
    admin_calendar.bp,
    admin_messages.bp,
    staff_report.bp,
    display.bp,
    staff_calls.bp,
    staff_calls.admin_bp,
    collection.bp,
    staff_collection.bp,
    staff_collection.admin_bp,
    papers.bp,
    staff_papers.bp,
    staff_papers.files_bp,
)

htmx = Htmx()


class KioskFlask(Flask):
    """Flask with the app's Jinja environment (web/templating.Environment)."""

    jinja_environment = templating.Environment


def create_app(test_config=None):
    """Build the application: config, extensions, request hooks, blueprints."""
    app = KioskFlask(
        __name__,
        instance_path=config.instance_path(),
        instance_relative_config=True,
        template_folder=str(config.PROJECT_ROOT / "templates"),
        static_folder=str(config.PROJECT_ROOT / "static"),
    )
    config.load(app, test_config)
    # Form fields count against the same 1 MB ceiling as the whole body.
    app.config["MAX_FORM_MEMORY_SIZE"] = app.config["MAX_CONTENT_LENGTH"]

    # Extensions and what they keep; none of them adds a request hook.
    security.trust_proxies(app)
    db.init_app(app)
    # Said by commands: a command run without the server's settings would
    # otherwise set up a second, empty database and report success.
    app.extensions["database_was_empty"] = db.is_empty()
    migrations.migrate()
    caches.init_app(app)
    revalidation.init_app(app)
    htmx.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    templating.init_app(app)
    cli.init_app(app)
    notifications.init_app(app)
    paper_store.init_app(app)

    # Request hooks, in the order they run. Flask runs after-request hooks in
    # the reverse order of registration, so the first one registered runs last.
    app.before_request(security.refuse_nul_bytes)  # before anything reads it
    app.after_request(security.set_security_headers)  # after every cookie is set
    app.before_request(db.connect)
    app.teardown_appcontext(db.close)
    app.before_request(load_office)
    app.before_request(hosts.refuse_unknown_host)  # before any URL is built
    app.before_request(kiosk_devices.identify)
    app.after_request(kiosk_devices.remember)
    app.after_request(i18n.remember_choice)
    # The messages a request queued go to the worker once its writes committed.
    app.after_request(notifications.wake_worker)
    # After the kiosk is known, so that a kiosk's bad form gets its own screen.
    app.before_request(security.allow_file_bodies)  # before the body is read
    app.before_request(security.refuse_nul_in_forms)
    security.csrf.init_app(app)  # the CSRF check
    security.init_limiter(app)  # asks whether the client is a kiosk or the LAN

    urls.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    # Last, so that they see every blueprint's routes; a blueprint's own
    # handlers (the kiosk's screens, JSON for the API) win over these.
    errors.register_handlers(app)
    return app


def load_office():
    """before_request: the office's details, which every page shows."""
    if request.endpoint != "static":
        g.office = caches.office_settings()
