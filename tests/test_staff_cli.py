"""`flask --app wsgi staff create|reset-password`: the first admin and lost passwords."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.data.models import AdminEvent, SignInDelay, StaffMember
from kiosk.services import accounts
from tests.support.staff import english, fast_passwords, sign_in  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_passwords")

REPO = Path(__file__).resolve().parent.parent


def test_create_admin_from_stdin(app, runner):
    result = runner.invoke(
        args=["staff", "create", "Boss", "--admin", "--password-stdin"],
        input="a long enough secret\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created admin account 'boss'." in result.output
    member = StaffMember.get(StaffMember.username == "boss")
    assert member.role == "admin"
    assert member.password_hash.startswith("scrypt:")
    assert accounts.password_matches(member, "a long enough secret")
    event = AdminEvent.get(AdminEvent.action == "staff.create")
    assert (event.staff_id, event.target) == (None, "boss")
    client = english(app.test_client())
    assert sign_in(client, "boss", "a long enough secret").status_code == 303


def test_create_prompts_for_the_password_twice(app, runner):
    result = runner.invoke(
        args=["staff", "create", "clerk"],
        input="first try typed\nsecond differs!\nsame password 1\nsame password 1\n",
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("Repeat for confirmation") == 2
    assert "do not match" in result.output  # asked again after a mismatch
    member = StaffMember.get(StaffMember.username == "clerk")
    assert member.role == "staff"
    assert accounts.password_matches(member, "same password 1")


def test_create_refuses_a_short_password(app, runner):
    result = runner.invoke(
        args=["staff", "create", "boss", "--admin", "--password-stdin"],
        input="short\n",
    )
    assert result.exit_code != 0
    assert "use at least 12 characters" in result.output
    assert not StaffMember.select().where(StaffMember.username == "boss").exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password123456", "too common or too easy to guess"),
        ("the boss of 2026", "contains the username or the name"),
        ("Budi Santoso 1990", "contains the username or the name"),
    ],
)
def test_create_refuses_a_common_password_or_one_with_the_name(
    app, runner, password, message
):
    result = runner.invoke(
        args=["staff", "create", "boss", "--name", "Budi Santoso", "--password-stdin"],
        input=f"{password}\n",
    )
    assert result.exit_code != 0
    assert message in result.output
    assert StaffMember.select().count() == 0


def test_create_refuses_a_duplicate_username(app, runner):
    args = ["staff", "create", "boss", "--admin", "--password-stdin"]
    assert runner.invoke(args=args, input="a long enough secret\n").exit_code == 0
    again = runner.invoke(args=args, input="another long secret\n")
    assert again.exit_code != 0
    assert "a staff member with that username exists" in again.output
    assert StaffMember.select().count() == 1


def test_reset_password_unlocks_and_replaces_the_password(app, runner):
    runner.invoke(
        args=["staff", "create", "boss", "--admin", "--password-stdin"],
        input="a long enough secret\n",
    )
    far_future = dt.datetime(2099, 1, 1)
    StaffMember.update(failed_logins=5, locked_until=far_future).execute()
    result = runner.invoke(
        args=["staff", "reset-password", "boss", "--password-stdin"],
        input="a brand new secret\n",
    )
    assert result.exit_code == 0, result.output
    member = StaffMember.get(StaffMember.username == "boss")
    assert (member.failed_logins, member.locked_until) == (0, None)
    assert accounts.password_matches(member, "a brand new secret")
    weak = runner.invoke(
        args=["staff", "reset-password", "boss", "--password-stdin"],
        input="boss boss boss 1\n",
    )
    assert weak.exit_code != 0
    assert "contains the username or the name" in weak.output
    unknown = runner.invoke(
        args=["staff", "reset-password", "nobody", "--password-stdin"],
        input="a brand new secret\n",
    )
    assert unknown.exit_code != 0
    assert "No staff member" in unknown.output


def test_reset_password_forgets_every_failed_sign_in(app, runner):
    runner.invoke(
        args=["staff", "create", "boss", "--admin", "--password-stdin"],
        input="a long enough secret\n",
    )
    client = english(app.test_client())
    StaffMember.update(active=False).execute()
    for _ in range(6):  # counted under the name while switched off
        sign_in(client, "boss", "wrong guess")
    StaffMember.update(active=True).execute()
    for _ in range(5):
        sign_in(client, "boss", "wrong guess")
    assert SignInDelay.select().count() == 1
    result = runner.invoke(
        args=["staff", "reset-password", "boss", "--password-stdin"],
        input="a brand new secret\n",
    )
    assert result.exit_code == 0, result.output
    assert SignInDelay.select().count() == 0
    member = StaffMember.get(StaffMember.username == "boss")
    assert (member.failed_logins, member.locked_until) == (0, None)
    assert sign_in(client, "boss", "a brand new secret").status_code == 303


def _create_first_admin(cwd, env):
    """`flask --app wsgi staff create first --admin` run as an operator would."""
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "staff", "create"]
    return subprocess.run(
        [*command, "first", "--admin", "--password-stdin"],
        input="a long enough secret\n",
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=60,
    )


def test_the_real_command_line_creates_the_first_admin(
    make_app, database_url, tmp_path
):
    make_app()  # creates the tables
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(
        KIOSK_INSTANCE_PATH=str(tmp_path / "cli-instance"),
        KIOSK_DATABASE_URL=database_url,
        KIOSK_SECRET_KEY="cli-test",
    )
    done = _create_first_admin(cwd=REPO, env=env)
    assert done.returncode == 0, done.stderr
    assert "Created admin account 'first'." in done.stdout
    assert StaffMember.get(StaffMember.username == "first").role == "admin"
    # It says which database it used, and that this one was already set up.
    assert "Database: " in done.stderr and "Warning" not in done.stderr


def test_a_command_run_without_the_servers_settings_says_so(tmp_path):
    """Run from another folder without KIOSK_INSTANCE_PATH, `staff create` sets up
    a database of its own: it names it and warns, instead of a bare success."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(KIOSK_SECRET_KEY="cli-test", PYTHONPATH=str(REPO))
    elsewhere = tmp_path / "somewhere-else"
    elsewhere.mkdir()
    done = _create_first_admin(cwd=elsewhere, env=env)
    assert done.returncode == 0, done.stderr
    database = elsewhere / "instance" / "kiosk.db"
    assert f"Database: SQLite file {database}" in done.stderr
    assert "this database was empty and has just been set up" in done.stderr
    assert "KIOSK_INSTANCE_PATH" in done.stderr


@pytest.mark.parametrize("command", [["purge"], ["staff", "reset-password", "x"]])
def test_every_command_names_its_database(make_app, command, db_backend):
    make_app()  # the server, which set the database up
    runner = make_app().test_cli_runner()  # a command run later
    result = runner.invoke(args=command, input="a long enough secret\n")
    kind = "SQLite file" if db_backend == "sqlite" else "PostgreSQL database"
    assert f"Database: {kind} " in result.output
    assert "Warning" not in result.output  # the test's database was set up before
