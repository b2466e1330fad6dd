"""URL converters every blueprint uses."""

from werkzeug.routing import IntegerConverter


class DatabaseIdConverter(IntegerConverter):
    """<int:…> in a URL, limited to what an id column holds (a 32-bit serial
    on PostgreSQL): a larger number is no page (404), not an overflow in the
    database driver (500)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def init_app(app):
    app.url_map.converters["int"] = DatabaseIdConverter
