"""Blueprints, one module per audience (create_app registers them), and the
helpers they share: htmx.py and lookup.py."""
