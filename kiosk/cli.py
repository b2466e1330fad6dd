"""Flask commands for operators: staff accounts, backup and restore, purge."""

import functools
import sys

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from kiosk.data import backup
from kiosk.data.db import db, describe
from kiosk.data.models import StaffMember
from kiosk.services import accounts, administration, retention, security_log
from kiosk.web import sign_in

staff_cli = AppGroup("staff", help="Manage staff accounts.")


def names_its_database(command):
    """Say first (on stderr) which database the command works on, and warn
    when it was empty: run without the server's KIOSK_INSTANCE_PATH or
    KIOSK_DATABASE_URL, a command sets up a database of its own."""

    @functools.wraps(command)
    def announced(*args, **kwargs):
        click.echo(
            f"Database: {describe(current_app.extensions['database'])}", err=True
        )
        if current_app.extensions.get("database_was_empty"):
            click.echo(
                "Warning: this database was empty and has just been set up. If the "
                "site runs on another one, run this command again with the server's "
                "environment (KIOSK_INSTANCE_PATH, KIOSK_DATABASE_URL).",
                err=True,
            )
        return command(*args, **kwargs)

    return announced


ACCOUNT_MESSAGES = {
    "password_too_short": "Password refused: use at least "
    f"{accounts.MIN_PASSWORD_LENGTH} characters.",
    "password_has_name": "Password refused: it contains the username or the "
    "name of the account.",
    "password_too_common": "Password refused: it is too common or too easy to "
    "guess. Use a longer one, for example a few words that do not belong together.",
    "username_invalid": "Username refused: use 2-64 lower-case letters, digits, "
    "dots, hyphens or underscores, starting with a letter or digit.",
    "username_taken": "Username refused: a staff member with that username exists.",
    "role_invalid": "Role refused.",
}


@staff_cli.command("create")
@click.argument("username")
@click.option("--admin", is_flag=True, help="Give the account the admin role.")
@click.option("--name", "display_name", default=None, help="Name shown to colleagues.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from one line of stdin."
)
@names_its_database
def create_staff_command(username, admin, display_name, password_stdin):
    """Create a staff member (prompts for the password twice)."""
    password = _read_password(password_stdin)
    try:
        # Recorded in the audit trail with no staff member: the command line.
        member = administration.create_member(
            None,
            username,
            password,
            role="admin" if admin else "staff",
            display_name=display_name,
        )
    except accounts.AccountError as error:
        raise click.ClickException(ACCOUNT_MESSAGES[error.code]) from None
    click.echo(f"Created {member.role} account '{member.username}'.")


@staff_cli.command("reset-password")
@click.argument("username")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from one line of stdin."
)
@names_its_database
def reset_password_command(username, password_stdin):
    """Set a new password, forget failed sign-ins and end the account's sessions."""
    member = StaffMember.get_or_none(
        StaffMember.username == (username or "").strip().lower()
    )
    if member is None:
        raise click.ClickException(f"No staff member has the username '{username}'.")
    password = _read_password(password_stdin)
    try:
        accounts.check_password_rules(password, accounts.names_of(member))
        administration.reset_password(None, member, password)
    except accounts.AccountError as error:
        raise click.ClickException(ACCOUNT_MESSAGES[error.code]) from None
    sign_in.clear_failures(member)
    click.echo(f"New password set for '{member.username}'.")


def _read_password(from_stdin):
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _sqlite_path():
    try:
        return backup.sqlite_path(current_app.extensions["database"])
    except backup.BackupRefused as refused:
        raise click.ClickException(str(refused)) from None


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False))
@names_its_database
def backup_command(path):
    """Make a consistent copy of the SQLite database while the site runs."""
    try:
        count = backup.backup_sqlite(_sqlite_path(), path)
    except backup.BackupRefused as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(f"Backup written to {path} ({count} requests).")


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@names_its_database
def restore_command(path, yes):
    """Replace the database with a checked backup (stop the app servers first)."""
    live = _sqlite_path()
    try:
        count = backup.check_backup(path)
        if not yes:
            click.confirm(
                f"Replace the content of {live} with {path} ({count} requests)? "
                "Stop the app servers first.",
                abort=True,
            )
        count, saved = backup.restore_sqlite(path, live, count)
    except backup.BackupRefused as refused:
        raise click.ClickException(str(refused)) from None
    if saved:
        click.echo(f"The previous content was saved to {saved}.")
    click.echo(f"Restored {count} requests from {path}.")


@click.command("purge")
@with_appcontext
@names_its_database
def purge_command():
    """Erase personal data of requests finished longer ago than the retention
    period (their papers' files too), security log events older than
    SECURITY_LOG_DAYS and files sent for requests never sent."""
    log_days = current_app.config["SECURITY_LOG_DAYS"]
    with db.connection_context():
        purged = retention.purge_personal_data()
        days = retention.retention_days()
        events = security_log.delete_older_than(log_days)
        drafts = retention.sweep_draft_papers(current_app.config["UPLOAD_DRAFT_HOURS"])
    click.echo(
        f"Personal data removed from {purged} requests finished over {days} days ago."
    )
    click.echo(f"Security log: {events} events older than {log_days} days deleted.")
    click.echo(f"Files of requests never sent: {drafts} deleted.")


def init_app(app):
    for command in (staff_cli, backup_command, restore_command, purge_command):
        app.cli.add_command(command)
