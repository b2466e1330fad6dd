"""Accessibility test helpers, used by tests/browser as ``a11y.<name>``.

servers: the seeded live server each test module shares. checks: browser
contexts, waits, and the checks run in a page. catalogue: every GET page in
each state a test shows it in.
"""

from .catalogue import State, catalogue, states_for
from .checks import (
    GEOMETRY_RULES,
    axe_problems,
    colour_alone_problems,
    focus_after_swaps,
    focus_on_body,
    focus_problems,
    kiosk_target_problems,
    media_matches,
    motion_problems,
    open_context,
    prepare,
    swaps_not_live,
    text_zoom_problems,
    wait_for_htmx,
    wait_until,
)
from .servers import (
    CLERK,
    LANGS,
    PASSWORD,
    SIZES,
    Site,
    get_page_rules,
    make_site,
)

__all__ = [
    "CLERK", "GEOMETRY_RULES", "LANGS", "PASSWORD", "SIZES", "Site", "State",
    "axe_problems", "catalogue", "colour_alone_problems", "focus_after_swaps",
    "focus_on_body", "focus_problems", "get_page_rules", "kiosk_target_problems",
    "make_site", "media_matches", "motion_problems", "open_context", "prepare",
    "states_for", "swaps_not_live", "text_zoom_problems", "wait_for_htmx", "wait_until",
]  # fmt: skip
