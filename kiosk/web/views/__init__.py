"""Blueprints, one module per audience, and how they are registered."""

from werkzeug.routing import IntegerConverter

from kiosk.web.views import (
    admin,
    admin_office,
    api,
    errors,
    kiosk,
    public,
    staff,
    staff_auth,
    staff_intake,
)

BLUEPRINTS = (
    public.bp,
    api.bp,
    kiosk.bp,
    staff_auth.bp,
    staff.bp,
    staff_intake.bp,
    admin.bp,
    admin_office.bp,
)


class DatabaseIdConverter(IntegerConverter):
    """<int:…> in a URL, limited to what an id column holds (a 32-bit serial
    on PostgreSQL): a larger number is no page (404), not an overflow in the
    database driver (500)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def register(app):
    """Every blueprint, then the site-wide error pages, which see all routes."""
    app.url_map.converters["int"] = DatabaseIdConverter
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    errors.register_handlers(app)
