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


PREPARE_THRESHOLD = 5  # runs of one query on a connection before it is prepared (psycopg's)


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
        if env_bool("DATABASE_PREPARE", True):
            # Values bound by the server, and a query a connection has run 5 times kept
            # as a prepared statement: PostgreSQL then plans it once, not on every request
            # (planning the pages' joins was most of their database CPU: dashboard 8-11 ms
            # -> 2.5 ms per request on the x10 set). PostgreSQL still plans afresh for each
            # value where a generic plan would cost more. Off (false) behind a pooler that
            # cannot keep prepared statements (PgBouncer in transaction mode before 1.21).
            config["OPTIONS"]["server_side_binding"] = True
            config["OPTIONS"]["prepare_threshold"] = PREPARE_THRESHOLD
    return config


# Where the SAML provider finds the address and name in an assertion: the usual claim URIs
# of Microsoft Entra ID and the plain names Okta and Google Workspace are set up with.
SAML_ATTRIBUTES = {
    "uid": ["uid", "http://schemas.microsoft.com/identity/claims/objectidentifier"],
    "email": [
        "email",
        "mail",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    ],
    "email_verified": ["email_verified"],
    "first_name": [
        "first_name",
        "givenName",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
    ],
    "last_name": [
        "last_name",
        "sn",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
    ],
}


def sso_providers_from_env(site_url):
    """SOCIALACCOUNT_PROVIDERS for django-allauth from SSO_OIDC_* and SSO_SAML_* variables.

    Each provider is on when its required variables are all set, and a half-set one is an
    error at start-up rather than a broken button."""
    providers = {}
    oidc = {
        "server_url": env_str("SSO_OIDC_SERVER_URL").strip(),
        "client_id": env_str("SSO_OIDC_CLIENT_ID").strip(),
        "secret": env_str("SSO_OIDC_CLIENT_SECRET").strip(),
    }
    if any(oidc.values()):
        names = {"server_url": "SSO_OIDC_SERVER_URL", "client_id": "SSO_OIDC_CLIENT_ID",
                 "secret": "SSO_OIDC_CLIENT_SECRET"}  # fmt: skip
        missing = [names[k] for k, v in oidc.items() if not v]
        if missing:
            raise ConfigError(f"OpenID Connect sign-in needs {', '.join(missing)} too.")
        providers["openid_connect"] = {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": env_str("SSO_OIDC_ID", "oidc").strip() or "oidc",
                    "name": env_str("SSO_OIDC_NAME", "your organisation").strip(),
                    "client_id": oidc["client_id"],
                    "secret": oidc["secret"],
                    "settings": {
                        "server_url": oidc["server_url"],
                        "token_auth_method": "client_secret_post",
                        # Providers that send no email_verified claim (Microsoft Entra ID by
                        # default): the deployment says whether it trusts their addresses.
                        "verified_email": env_bool("SSO_OIDC_TRUST_EMAIL", False),
                    },
                }
            ],
        }
    idp = {
        "entity_id": env_str("SSO_SAML_IDP_ENTITY_ID").strip(),
        "sso_url": env_str("SSO_SAML_IDP_SSO_URL").strip(),
        "x509cert": env_str("SSO_SAML_IDP_X509_CERT").strip(),
    }
    metadata_url = env_str("SSO_SAML_IDP_METADATA_URL").strip()
    if metadata_url:
        if not idp["entity_id"]:
            raise ConfigError(
                "SAML sign-in with SSO_SAML_IDP_METADATA_URL needs SSO_SAML_IDP_ENTITY_ID too."
            )
        idp = {"entity_id": idp["entity_id"], "metadata_url": metadata_url}
    elif any(idp.values()):
        names = {"entity_id": "SSO_SAML_IDP_ENTITY_ID", "sso_url": "SSO_SAML_IDP_SSO_URL",
                 "x509cert": "SSO_SAML_IDP_X509_CERT"}  # fmt: skip
        missing = [names[k] for k, v in idp.items() if not v]
        if missing:
            raise ConfigError(f"SAML sign-in needs {', '.join(missing)} too.")
    if idp.get("metadata_url") or all(idp.values()):
        org = env_str("SSO_SAML_ORG", "idp").strip() or "idp"
        sp_entity_id = env_str("SSO_SAML_SP_ENTITY_ID").strip() or (
            f"{site_url}/accounts/saml/{org}/metadata/"
        )
        providers["saml"] = {
            "APPS": [
                {
                    "client_id": org,
                    "name": env_str("SSO_SAML_NAME", "your organisation").strip(),
                    "settings": {
                        "idp": idp,
                        "sp": {"entity_id": sp_entity_id},
                        "attribute_mapping": SAML_ATTRIBUTES,
                        # IdPs that never send email_verified (most): the deployment says
                        # whether it trusts the addresses they assert.
                        "verified_email": env_bool("SSO_SAML_TRUST_EMAIL", False),
                        "advanced": {},
                    },
                }
            ],
        }
    return providers
