"""Advisory locks that let concurrent workers split a round instead of repeating it.

Correctness never rests on these: unique keys and conditional updates decide who does
what. A lock only tells a second worker that a batch is being done right now, so it can
move on to the next one instead of waiting for the first worker's commit and then finding
nothing left to do (two workers claiming the weekly nudge in lockstep spent a third of the
round waiting, bench/nudges.py).
"""

import zlib

from django.db import connection


def _key(name):
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


def try_batch(name, number):
    """True if this transaction may take batch `number` of the round `name`: on PostgreSQL a
    transaction-level advisory lock nobody else holds (released at commit or rollback);
    elsewhere always True. Call inside transaction.atomic()."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(%s, %s)", [_key(name), number & 0x7FFFFFFF]
        )
        return cursor.fetchone()[0]
