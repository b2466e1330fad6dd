"""Flask commands: staff accounts (more groups register themselves here)."""

import sys

import click
from flask.cli import AppGroup

from kiosk.data.models import StaffMember
from kiosk.services import accounts, administration

staff_cli = AppGroup("staff", help="Manage staff accounts.")

ACCOUNT_MESSAGES = {
    "password_too_short": "Password refused: use at least "
    f"{accounts.MIN_PASSWORD_LENGTH} characters.",
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
def reset_password_command(username, password_stdin):
    """Set a new password, lift any lock-out and end the account's sessions."""
    member = StaffMember.get_or_none(
        StaffMember.username == (username or "").strip().lower()
    )
    if member is None:
        raise click.ClickException(f"No staff member has the username '{username}'.")
    password = _read_password(password_stdin)
    try:
        administration.reset_password(None, member, password)
    except accounts.AccountError as error:
        raise click.ClickException(ACCOUNT_MESSAGES[error.code]) from None
    click.echo(f"New password set for '{member.username}'.")


def _read_password(from_stdin):
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def init_app(app):
    from kiosk.data import backup

    app.cli.add_command(staff_cli)
    backup.init_app(app)
