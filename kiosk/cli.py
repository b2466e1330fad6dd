"""Flask commands: staff accounts (more groups register themselves here)."""

import sys

import click
from flask.cli import AppGroup

from . import accounts

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
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        member = accounts.create_staff(
            username,
            password,
            role="admin" if admin else "staff",
            display_name=display_name,
        )
    except accounts.AccountError as error:
        raise click.ClickException(ACCOUNT_MESSAGES[error.code]) from None
    click.echo(f"Created {member.role} account '{member.username}'.")


def init_app(app):
    app.cli.add_command(staff_cli)
