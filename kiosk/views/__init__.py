"""Blueprints, one module per audience; each module has init_app(app)."""

from importlib import import_module

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


def init_app(app):
    for name in MODULES:
        import_module(f"{__name__}.{name}").init_app(app)
