"""Create a council's first Lantern administrator (the one account made outside the browser).

    manage.py create_first_admin --username j.smith --first-name Jo --last-name Smith \
        --base-url https://lantern.council.gov.uk

prints a one-time set-password link (valid LANTERN_PASSWORD_LINK_HOURS). With --set-password
it asks for the password at the terminal instead. Refused once an active administrator exists:
from then on administrators add each other in the browser (Administration, Staff).
"""

from __future__ import annotations

import getpass
import re

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lantern.administration.models import AdminEvent, AdminEventKind, StaffAssignment
from lantern.workforce.models import Role, Worker


class Command(BaseCommand):
    help = "Create the council's first Lantern administrator and print a one-time set-password link."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--first-name", required=True)
        parser.add_argument("--last-name", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--base-url", default="", help="The address staff use, e.g. https://lantern.council.gov.uk (for the link)"
        )
        parser.add_argument(
            "--set-password", action="store_true", help="Ask for the password here instead of printing a link"
        )

    def handle(self, *args, **options):
        username = options["username"].strip()
        if not re.fullmatch(r"[\w.@+-]{1,150}", username):
            raise CommandError("A username can only contain letters, numbers and . _ - @ +")
        if Worker.objects.filter(role=Role.COUNCIL_ADMIN, is_active=True).exists():
            raise CommandError(
                "This council already has an administrator: add more in the browser (Administration, Staff)."
            )
        if Worker.objects.filter(username__iexact=username).exists():
            raise CommandError(f"The username {username} is taken.")
        password = None
        if options["set_password"]:
            password = self._ask_password(username)
        with transaction.atomic():
            admin = Worker(
                username=username,
                first_name=options["first_name"].strip(),
                last_name=options["last_name"].strip(),
                email=options["email"].strip(),
                role=Role.COUNCIL_ADMIN,
                job_title="Lantern administrator",
            )
            if password:
                admin.set_password(password)
            else:
                admin.set_unusable_password()
            admin.save()
            StaffAssignment.objects.create(
                worker=admin,
                role=Role.COUNCIL_ADMIN,
                start_date=timezone.localdate(),
                reason="First administrator, created with manage.py create_first_admin",
            )
            AdminEvent.objects.create(
                kind=AdminEventKind.FIRST_ADMIN,
                worker=admin,
                summary=f"{admin.display_name} ({username}) created as the first council administrator",
                reason="manage.py create_first_admin",
                effective_date=timezone.localdate(),
            )
            token = None if password else self._link(admin)
        self.stdout.write(self.style.SUCCESS(f"Created {admin.display_name} ({username}), council administrator."))
        if token:
            path = reverse("identity:set_password_start", args=[token])
            url = options["base_url"].rstrip("/") + path
            hours = settings.LANTERN_PASSWORD_LINK_HOURS
            self.stdout.write(
                f"Give them this one-time link to set their password (works once, for {hours:g} hours):\n{url}"
            )
        self.stdout.write("At their first password sign-in they set up an authenticator app.")

    def _link(self, admin) -> str:
        from lantern.identity.passwords import link_create, links_enabled

        return link_create(worker=admin)[1] if links_enabled() else ""

    def _ask_password(self, username: str) -> str:
        for _ in range(3):
            first = getpass.getpass("Password: ")
            if first != getpass.getpass("Password (again): "):
                self.stderr.write("The passwords do not match.")
                continue
            try:
                validate_password(first, Worker(username=username))
            except ValidationError as error:
                self.stderr.write(" ".join(error.messages))
                continue
            return first
        raise CommandError("No password set.")
