"""The statistics page in a real browser: no axe-core violations in either
language at phone and desktop sizes, charts named for screen readers, and
printed on A4 with no table or chart cut off at the paper's edge."""

import pytest

from tests.support import stats_data
from tests.support.axe import assert_no_axe_violations

FEBRUARY = "/stats?period=month&month=2026-02"
# A4 at 96 dpi less 15 mm margins each side: what the print stylesheet fills.
A4_CONTENT_WIDTH = 680


@pytest.fixture
def server(make_app, database_url, live_server):
    app = make_app()
    with app.app_context():
        stats_data.store()
    return live_server(database_url=database_url)


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
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('.table-wrap, .chart-scroll')]
            .filter(box => box.scrollWidth > box.clientWidth + 1)
            .map(box => box.querySelector('caption, title')?.textContent)"""
    )
    assert overflowing == []
    # Every chart and its table stays in one block, kept together on paper.
    breaks = page.eval_on_selector_all(
        ".stats-block", "nodes => nodes.map(n => getComputedStyle(n).breakInside)"
    )
    assert breaks and set(breaks) == {"avoid"}
    page.screenshot(path=str(tmp_path / "stats-print.png"), full_page=True)
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 2
