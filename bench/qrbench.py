"""The QR SVG, in-process and cold: ours (kiosk.qr) against segno on the same URLs.

Cold means no memo: kiosk.domain.qr keeps nothing (the app's cache of rendered
codes is web/caches.py). Each URL is made by both, one right after the other (taking turns at
going first), and the time counted is this thread's CPU time, so other
processes on a busy machine slow neither.
"""

import io
import statistics
import time

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from kiosk.domain import qr, tracking

ROUNDS = 3


def _ours(url, title):
    return qr.svg(url, title=title)


def _segno(url, title):
    import segno

    out = io.BytesIO()
    # The same error level and no automatic boost, as kiosk.qr uses.
    code = segno.make(url, error="m", boost_error=False, micro=False)
    code.save(out, kind="svg", xmldecl=False, title=title, border=4)
    return out.getvalue()


def _reference_matrix(url):
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=qr.QUIET_ZONE)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


def _cpu_ms(render, url, title):
    started = time.thread_time()
    render(url, title)
    return (time.thread_time() - started) * 1000


def _paired_times(cases):
    ours, theirs = [], []
    for index, (url, title) in enumerate(cases * ROUNDS):
        if index % 2:
            theirs.append(_cpu_ms(_segno, url, title))
            ours.append(_cpu_ms(_ours, url, title))
        else:
            ours.append(_cpu_ms(_ours, url, title))
            theirs.append(_cpu_ms(_segno, url, title))
    return statistics.mean(ours), statistics.mean(theirs)


def compare(base_url, numbers, samples):
    """Per-code milliseconds for both, our sizes, and a check against qrcode."""
    cases = [
        (f"{base_url.rstrip('/')}/t/{n}", tracking.display(n))
        for n in numbers[:samples]
    ]
    _ours(*cases[0]), _segno(*cases[0])  # imports and first-call set-up
    ours_ms, segno_ms = _paired_times(cases)
    sizes = [len(_ours(url, title)) for url, title in cases]
    segno_sizes = [len(_segno(url, title)) for url, title in cases]
    checked = cases[: min(len(cases), 50)]
    same = all(qr.matrix(url) == _reference_matrix(url) for url, _ in checked)
    return {
        "samples": len(cases),
        "url_example": cases[0][0],
        "ours_ms": ours_ms,
        "segno_ms": segno_ms,
        "ratio_to_segno": ours_ms / segno_ms,
        "svg_bytes_max": max(sizes),
        "svg_bytes_mean": statistics.mean(sizes),
        "segno_svg_bytes_mean": statistics.mean(segno_sizes),
        "matches_qrcode_make": same,
        "matches_checked": len(checked),
    }
