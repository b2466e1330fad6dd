"""Blueprints, one module per audience; each module has init_app(app)."""

from importlib import import_module

from werkzeug.routing import IntegerConverter

# Error handlers last, so they see every blueprint's routes.
MODULES = (
    "public",
    "api",
    "kiosk",
    "staff_auth",
    "staff",
    "staff_intake",
    "admin",
    "admin_office",
    "errors",
)


class DatabaseIdConverter(IntegerConverter):
    """<int:…> in a URL, limited to what an id column holds (a 32-bit serial
    on PostgreSQL): a larger number is no page (404), not an overflow in the
    database driver (500)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def init_app(app):
    app.url_map.converters["int"] = DatabaseIdConverter
    for name in MODULES:
        import_module(f"{__name__}.{name}").init_app(app)
