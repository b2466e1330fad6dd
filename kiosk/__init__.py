"""Document tracking kiosk and site for a civil-registry office."""

from flask import Flask, g, request
from htmx_flask import Htmx

from kiosk import config

htmx = Htmx()


def create_app(test_config=None):
    """Build the application: config, extensions, blueprints and hooks."""
    app = Flask(
        __name__,
        instance_path=config.instance_path(),
        instance_relative_config=True,
        template_folder=str(config.PROJECT_ROOT / "templates"),
        static_folder=str(config.PROJECT_ROOT / "static"),
    )
    config.load(app, test_config)
    # Form fields count against the same 1 MB ceiling as the whole body.
    app.config["MAX_FORM_MEMORY_SIZE"] = app.config["MAX_CONTENT_LENGTH"]

    from kiosk import cli
    from kiosk.data import db
    from kiosk.data.models import SETTINGS_CACHES, OfficeSettings
    from kiosk.services import worklists
    from kiosk.web import i18n, kiosk_devices, pagecache, security, templating

    htmx.init_app(app)
    i18n.init_app(app)
    # Hooks run in registration order: connect, load the office settings and
    # identify a kiosk before the rate limiter (registered by security) asks
    # whether the client is exempt.
    db.init_app(app)
    for cache in SETTINGS_CACHES:
        cache.seconds = app.config["SETTINGS_CACHE_SECONDS"]
    worklists.counts_cache.seconds = app.config["QUEUE_COUNTS_CACHE_SECONDS"]
    pagecache.configure(app.config["PAGE_CACHE_SECONDS"])

    @app.before_request
    def _load_office():
        if request.endpoint != "static":
            g.office = OfficeSettings.current()

    kiosk_devices.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    cli.init_app(app)

    from kiosk.web import views

    views.init_app(app)
    return app
