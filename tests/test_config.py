"""Settings from the environment: defaults, production refusal, clear errors."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k" + "x9Y2-q" * 10


def manage(*args, env=None, timeout=60):
    drop = {"DATABASE_URL", "DJANGO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in drop}
    clean.update(env or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def prod_env(**overrides):
    env = {
        "DJANGO_ENV": "production",
        "DEBUG": "false",
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "mentorship.example.com",
        "DATABASE_URL": "sqlite:////tmp/mentorship-prod-check.sqlite3",
        "EMAIL_HOST": "127.0.0.1",
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def test_production_refuses_unsafe_configuration_with_clear_message():
    result = manage("check", env=prod_env(SECRET_KEY=None, DEBUG="true", ALLOWED_HOSTS=""))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    line = result.stderr.strip()
    assert line.startswith("Configuration error: refusing to start with DJANGO_ENV=production")
    assert "SECRET_KEY is not set" in line
    assert "DEBUG is on" in line
    assert "ALLOWED_HOSTS is empty" in line


def test_production_refuses_weak_secret_key():
    result = manage("check", env=prod_env(SECRET_KEY="short"))
    assert result.returncode == 2
    assert "SECRET_KEY is too weak" in result.stderr


def test_production_check_deploy_passes_at_warning_level():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=prod_env())
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_wrong_database_url_scheme_is_one_clear_line():
    result = manage("migrate", env={"DATABASE_URL": "mysql2://nope"})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "DATABASE_URL" in result.stderr


def test_empty_database_url_is_one_clear_line():
    result = manage("migrate", env={"DATABASE_URL": ""})
    assert result.returncode == 2
    assert "DATABASE_URL is set but empty" in result.stderr


def test_unreachable_database_is_one_clear_line():
    result = manage("migrate", env={"DATABASE_URL": "postgres://u:p@127.0.0.1:1/none"})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Database error:")
    assert "DATABASE_URL" in result.stderr


def test_bad_boolean_names_the_variable():
    result = manage("check", env={"DEBUG": "maybe"})
    assert result.returncode == 2
    assert "DEBUG must be true or false" in result.stderr


def test_bad_number_list_names_the_variable():
    result = manage("check", env={"EMAIL_RETRY_DELAYS": "60,five"})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "EMAIL_RETRY_DELAYS must be whole numbers" in result.stderr


def test_development_defaults_need_no_environment(settings):
    # The suite itself runs on the defaults (or DATABASE_URL when CI sets it).
    assert settings.AUTH_USER_MODEL == "mentorship.User"
    assert settings.USE_TZ and settings.TIME_ZONE == "UTC"
    assert "django_htmx.middleware.HtmxMiddleware" in settings.MIDDLEWARE
    result = manage("diffsettings", "--all", env={})
    assert result.returncode == 0
    assert "sqlite3" in result.stdout
    assert "CELERY_TASK_ALWAYS_EAGER = True" in result.stdout
    assert "notifications.dev_outbox.OutboxBackend" in result.stdout
