"""Everything HTTP: language, security, templates, forms and views."""
