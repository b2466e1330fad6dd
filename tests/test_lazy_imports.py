"""Libraries a serving process loads only when it first needs them.

zxcvbn's word lists take about 12 MB and pillow-heif about 6 MB; a process that
only serves pages should carry neither (the peak RSS budget in the README). Each
check runs in a fresh interpreter, since this test process has imported
everything already.
"""

import json
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import json, sys
from kiosk import create_app
from kiosk.domain import tracking
from kiosk.services import accounts

app = create_app({
    "TESTING": True,
    "DATABASE_URL": "sqlite:///" + sys.argv[1],
    "SECRET_KEY": "test",
    "RATELIMIT_ENABLED": False,
})
client = app.test_client()
unknown = "/t/" + tracking.generate()
codes = [client.get(path).status_code for path in ("/", "/apply", unknown, "/healthz")]
heavy = ("zxcvbn", "pillow_heif")
served = {name: name in sys.modules for name in heavy}
try:
    accounts.check_password_rules("password1234")
    refused = None
except accounts.AccountError as error:
    refused = error.code
print(json.dumps({"codes": codes, "served": served,
                  "after_password": "zxcvbn" in sys.modules, "refused": refused}))
"""


def test_serving_pages_loads_neither_zxcvbn_nor_pillow_heif(tmp_path, monkeypatch):
    for name in (
        "KIOSK_DATABASE_URL",
        "KIOSK_QUEUE_URL",
        "KIOSK_RATELIMIT_STORAGE_URI",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KIOSK_INSTANCE_PATH", str(tmp_path / "instance"))
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "kiosk.db")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["codes"] == [200, 200, 404, 200]
    assert result["served"] == {"zxcvbn": False, "pillow_heif": False}
    # A new password is still scored, and that is when the library comes in.
    assert result["refused"] == "password_too_common"
    assert result["after_password"] is True
