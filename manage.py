#!/usr/bin/env python
"""Django's command-line utility for Mentorship."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
    from mentorship.config import ConfigError

    try:
        from django.core.management import execute_from_command_line
        from django.db.utils import OperationalError

        execute_from_command_line(sys.argv)
    except ConfigError as exc:
        # One clear line instead of a traceback: the fix is in the environment.
        sys.stderr.write(f"Configuration error: {exc}\n")
        sys.exit(2)
    except OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        sys.stderr.write(
            f"Database error: cannot use the database named by DATABASE_URL ({first}).\n"
        )
        sys.exit(2)


if __name__ == "__main__":
    main()
