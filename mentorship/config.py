"""Reading settings from the environment, with clear errors instead of tracebacks."""

import os
from urllib.parse import urlsplit


class ConfigError(Exception):
    """An environment variable holds something Mentorship cannot use."""


TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}.")


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}.")


def env_int_list(name, default=()):
    values = env_list(name, default)
    try:
        return [int(value) for value in values]
    except ValueError:
        raise ConfigError(f"{name} must be whole numbers separated by commas, not {values!r}.")


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url, var_dir):
    """DATABASES['default'] from DATABASE_URL, or a SQLite file when it is unset."""
    # Imported here: settings load this module, and the parser is needed only once there.
    import dj_database_url

    if url is None:
        var_dir.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(var_dir / "db.sqlite3"),
            "OPTIONS": {"timeout": 20},
        }
    url = url.strip()
    if not url:
        raise ConfigError(
            "DATABASE_URL is set but empty; unset it to use the SQLite file, "
            "or give e.g. postgres://user:password@127.0.0.1:5432/mentorship."
        )
    scheme = urlsplit(url).scheme
    if scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise ConfigError(
            f"DATABASE_URL has the scheme {scheme or '(none)'!r}; "
            "Mentorship supports postgres://… and sqlite:///…."
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj-database-url raises several kinds
        raise ConfigError(f"DATABASE_URL cannot be read: {exc}")
    if config["ENGINE"].endswith("postgresql"):
        # A dead database answers the health check and the request quickly.
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    return config
