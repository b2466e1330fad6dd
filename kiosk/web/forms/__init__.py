"""Forms with their checks: the application, the staff console, admin."""

# A form sent back with mistakes: understood, but not acceptable as it is.
# Every view answers it with this status (and the form shown again with its
# messages); 400 is for requests that are not even well formed.
INVALID_FORM = 422


def form_status(form, conflict=None):
    """An edit page's status: shown (200), refused input (INVALID_FORM), or
    someone else saved since it was loaded (409)."""
    if conflict is not None:
        return 409
    return INVALID_FORM if form.is_submitted() else 200
