"""`parvis demo`: create the demo organisation (Menuiserie Martin, invented data)."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.accounts.models import User
from parvis.accounts.services import user_sign_up
from parvis.web.demo import demo_create


class Command(BaseCommand):
    help = "Create a demo organisation filled with invented data, owned by --email."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--email",
            help="Owner's e-mail; an account is created (password printed once) if none exists.",
            default="demo@parvis.invalid",
        )

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        email = email.strip().lower()
        user = User.objects.filter(email=email).first()
        password = None
        if user is None:
            password = secrets.token_urlsafe(12)
            user = user_sign_up(email=email, password=password, full_name="Démo Parvis")
        elif not user.is_active:
            raise CommandError(f"{email} is a deactivated account.")
        organisation = demo_create(owner=user)
        self.stdout.write(
            f"Demo organisation created: {organisation.name} (/o/{organisation.slug}/)"
        )
        if password:
            self.stdout.write(f"Log in as {email} with the password: {password}")
