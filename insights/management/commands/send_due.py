"""One round of reminders, nudges, digests and delivery, by hand or from cron."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from insights import rounds


class Command(BaseCommand):
    help = (
        "Record due action reminders, weekly nudges and admin digests, then deliver every "
        "pending email. Safe to run at any time and in parallel: each email goes out once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="Run as of this moment (ISO 8601, e.g. 2026-03-30T07:05:00+00:00).",
        )

    def handle(self, *args, now=None, **options):
        moment = None
        if now:
            moment = parse_datetime(now)
            if moment is None or moment.tzinfo is None:
                raise CommandError("--now needs a date and time with a UTC offset.")
        result = rounds.run_round(moment)
        d = result["delivery"]
        self.stdout.write(
            f"reminders recorded: {result['reminders']}; "
            f"nudges: {result['nudges']['pending']} to send, {result['nudges']['skipped']} empty; "
            f"digests: {result['digests']['pending']} to send; "
            f"delivered: {d['sent']} sent, {d['retry']} to retry, {d['failed']} failed, "
            f"{d['skipped']} skipped"
        )
