"""The README keeps up with the code: settings, commands and make targets."""

import re
from pathlib import Path

import pytest

from kiosk import config

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize("name", ["INSTANCE_PATH", *config.ENVIRONMENT])
def test_every_setting_is_documented(name):
    assert f"`KIOSK_{name}`" in README


def test_every_command_is_documented(app):
    groups = {"staff": ["create"]}
    for name, command in app.cli.commands.items():
        if name in groups:
            for sub in command.commands:
                assert f"flask --app wsgi {name} {sub}" in README, (name, sub)
        else:
            assert f"flask --app wsgi {name}" in README, name


def test_every_make_target_in_the_readme_exists():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z-]+):", makefile, re.MULTILINE))
    for target in set(re.findall(r"`make ([a-z-]+)", README)):
        assert target in targets, target


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci/run").read_text()
    assert "make test" in README and "make run" in README
