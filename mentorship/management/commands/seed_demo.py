"""Seed a demo program. Idempotent: a second run changes nothing.

Each installed app may have a `demo` module with `seed()`, returning sign-ins to print;
they run in INSTALLED_APPS order, so mentorship's people exist before pairs and sessions.
"""

import importlib

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction


def seeders():
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        yield config.label, module


class Command(BaseCommand):
    help = "Seed the demo program (idempotent) and print its sign-ins."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not print the sign-ins.")

    def handle(self, *args, quiet=False, **options):
        signins = []
        with transaction.atomic():
            for _label, module in seeders():
                signins.extend(module.seed() or [])
        if quiet:
            return
        self.stdout.write(
            self.style.SUCCESS(f"Demo program ready. Sign in at {settings.SITE_URL} as:")
        )
        for role, email, password in signins:
            self.stdout.write(f"  {role:<22} {email:<34} password: {password}")
