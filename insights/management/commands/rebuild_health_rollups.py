"""Recount program health's daily rollups from the sessions, sides, actions and check-ins."""

from django.core.management.base import BaseCommand, CommandError

from insights import rollups
from mentorship.models import Program


class Command(BaseCommand):
    help = (
        "Recount the per-program daily rollups behind program health (PostgreSQL). The "
        "triggers keep them exact; run this after restoring a backup of only some tables, "
        "or to check them (the counts written are printed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--program", help="Only this program (its slug).")

    def handle(self, *args, program=None, **options):
        if not rollups.enabled():
            raise CommandError("Rollups are kept on PostgreSQL only; nothing to rebuild.")
        program_id = None
        if program:
            program_id = Program.objects.filter(slug=program).values_list("pk", flat=True).first()
            if program_id is None:
                raise CommandError(f"No program {program!r}.")
        written = rollups.rebuild(program_id)
        self.stdout.write(f"rollup days written: {written}")
