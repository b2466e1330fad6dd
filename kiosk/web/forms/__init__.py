"""Forms with their checks: the application, the staff console, admin."""
