"""Launching Debian's Chromium through Playwright (never a downloaded browser)."""

import os

CHROMIUM = os.environ.get("KIOSK_TEST_CHROMIUM", "/usr/bin/chromium")

# Headless, no sandbox (we run as root), and no background traffic: the test machine
# has no network beyond the package registries, and stray requests slow start-up.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

DEFAULT_TIMEOUT_MS = 10_000  # Playwright's 30 s default makes a failure slow to show


def launch(playwright):
    if not os.path.exists(CHROMIUM):
        raise RuntimeError(
            f"{CHROMIUM} not found; run `make system-deps` (apt-get install chromium)."
            " Never `playwright install`: it downloads a browser."
        )
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
