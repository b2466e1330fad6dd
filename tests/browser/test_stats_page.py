"""The statistics page in a real browser: no axe-core violations in either
language at phone and desktop sizes, charts named for screen readers, and
printed on A4 with no table or chart cut off at the paper's edge."""

import re

import pytest

from tests.support import stats_data
from tests.support.axe import assert_no_axe_violations
from tests.support.staff import PASSWORD, fast_passwords, make_staff  # noqa: F401

# The page is the same on either database (the figures are checked on both
# in tests/test_stats.py): the browser checks run on SQLite.
pytestmark = pytest.mark.parametrize("db_backend", ["sqlite"])

FEBRUARY = "/stats?period=month&month=2026-02"
# A4 at 96 dpi less 15 mm margins each side: what the print stylesheet fills.
A4_CONTENT_WIDTH = 680


@pytest.fixture
def server(make_app, database_url, live_server, fast_passwords):  # noqa: F811
    app = make_app()
    with app.app_context():
        boss = make_staff("boss", role="admin", display_name="Kepala Dinas")
        stats_data.store(staff=boss)
    return live_server(database_url=database_url)


def _overflowing(page):
    """Captions of tables and titles of charts wider than their box."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.table-wrap, .chart-scroll')]
            .filter(box => box.scrollWidth > box.clientWidth + 1)
            .map(box => box.querySelector('caption, title')?.textContent)"""
    )


@pytest.mark.parametrize("lang", ["id", "en"])
def test_statistics_page_passes_axe_at_phone_and_desktop_sizes(server, new_page, lang):
    for viewport in ((390, 844), (1366, 768)):
        page = new_page(viewport=viewport)
        page.goto(f"{server.url}{FEBRUARY}&lang={lang}")
        assert_no_axe_violations(page)
        names = page.eval_on_selector_all(
            "svg[role=img]",
            "nodes => nodes.map(n => n.querySelector('title')?.textContent || '')",
        )
        assert len(names) >= 5 and all(name.strip() for name in names)


def test_statistics_page_prints_on_a4_without_clipping(server, new_page, tmp_path):
    page = new_page(viewport=(A4_CONTENT_WIDTH, 1000))
    page.goto(f"{server.url}/stats?period=year&year=2026&lang=en")
    page.emulate_media(media="print")
    assert page.locator(".stats-picker").is_hidden()
    assert _overflowing(page) == []
    # Every chart and its table stays in one block, kept together on paper.
    breaks = page.eval_on_selector_all(
        ".stats-block", "nodes => nodes.map(n => getComputedStyle(n).breakInside)"
    )
    assert breaks and set(breaks) == {"avoid"}
    page.screenshot(path=str(tmp_path / "stats-print.png"), full_page=True)
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 2


@pytest.mark.parametrize("lang", ["id", "en"])
def test_monthly_report_passes_axe_and_prints_without_clipping(server, new_page, lang):
    page = new_page(viewport=(1366, 768))
    page.goto(f"{server.url}/staff/login?lang={lang}")
    page.fill("#username", "boss")
    page.fill("#password", PASSWORD)
    page.locator("form[action='/staff/login'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff(\?.*)?$"))
    page.goto(f"{server.url}/staff/admin/report?period=month&month=2026-02&lang={lang}")
    assert "Kepala Dinas" in page.locator("#workload-caption ~ tbody").inner_text()
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": A4_CONTENT_WIDTH, "height": 1000})
    page.emulate_media(media="print")
    assert page.locator(".staff-bar").is_hidden()
    assert page.locator(".admin-nav").is_hidden()
    assert _overflowing(page) == []
