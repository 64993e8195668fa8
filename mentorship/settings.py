"""Settings for Mentorship, read from the environment.

Development works with no environment at all (SQLite, tasks in process, emails in
var/outbox). DJANGO_ENV=production refuses to start with an unsafe configuration.
"""

from pathlib import Path
from urllib.parse import urlsplit

from mentorship.config import (
    ConfigError,
    database_from_url,
    env_bool,
    env_int,
    env_int_list,
    env_list,
    env_str,
    sso_providers_from_env,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("MENTORSHIP_VAR_DIR", str(BASE_DIR / "var")))

ENVIRONMENT = env_str("DJANGO_ENV", "development").strip().lower()
if ENVIRONMENT not in {"development", "production", "test"}:
    raise ConfigError(f"DJANGO_ENV must be development or production, not {ENVIRONMENT!r}.")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
_DEV_SECRET = "dev-only-insecure-secret-key-do-not-use-in-production-0123456789"
SECRET_KEY = env_str("SECRET_KEY") or ("" if PRODUCTION else _DEV_SECRET)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

if PRODUCTION:
    problems = []
    if not SECRET_KEY:
        problems.append("SECRET_KEY is not set")
    elif SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        problems.append("SECRET_KEY is too weak (use 50+ random characters)")
    if DEBUG:
        problems.append("DEBUG is on")
    if not ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS is empty")
    if env_str("DATABASE_URL").strip() == "":
        problems.append("DATABASE_URL is not set")
    if problems:
        raise ConfigError(
            "refusing to start with DJANGO_ENV=production: " + "; ".join(problems) + "."
        )

# Layers, lowest first: each app imports only the ones above it in this list (checked
# by import-linter, see pyproject.toml).
INSTALLED_APPS = [
    "notifications",
    "mentorship",
    "pairs",
    "sessions.apps.SessionsConfig",
    "checkins",
    "insights",
    "api",
    "mentorship.apps.MentorshipAdminConfig",  # django.contrib.admin, sign-in rate limited
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    # Single sign-on (mentorship/sso.py): OpenID Connect and SAML, no local sign-up.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    # SCIM 2.0 provisioning (mentorship/scim.py), behind our own bearer tokens.
    "django_scim",
    "rest_framework",
    "drf_spectacular",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "mentorship.middleware.UserTimezoneMiddleware",
    "mentorship.middleware.UserLanguageMiddleware",
    "mentorship.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "mentorship.urls"
WSGI_APPLICATION = "mentorship.wsgi.application"
ASGI_APPLICATION = "mentorship.asgi.application"
# Labels without Django's trailing colon, for every form (mentorship/form_renderer.py).
FORM_RENDERER = "mentorship.form_renderer.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "mentorship.context_processors.site",
            ],
        },
    }
]

DATABASES = {"default": database_from_url(env_str("DATABASE_URL", None), VAR_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache (sign-in attempt counts live here, so it must be shared by every worker).
# CACHE_URL (or REDIS_URL) redis://host:6379/1 → Redis; unset → a file cache under var/ in
# production (shared by the gunicorn workers of one host) and process memory otherwise.
CACHE_URL = (env_str("CACHE_URL") or env_str("REDIS_URL")).strip()
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    _cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        # A dead Redis must not hang a request: the rate limiter steps aside instead.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
elif CACHE_URL == "" and PRODUCTION:
    _cache = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
    }
elif CACHE_URL in {"", "locmem://"}:
    _cache = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
else:
    raise ConfigError(f"CACHE_URL must be redis://host:port/db (or locmem://), not {CACHE_URL!r}.")
CACHES = {"default": {**_cache, "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "mentorship")}}
# Program health figures are shared this long (0: always computed; benchmarks measure that).
HEALTH_CACHE_SECONDS = env_int("HEALTH_CACHE_SECONDS", 60)

# Failed sign-ins (and password-reset requests) allowed per account and per client address
# within WINDOW seconds (mentorship/ratelimit.py). TRUSTED_PROXY_COUNT: proxies in front of
# gunicorn that set X-Forwarded-For (0: trust only REMOTE_ADDR).
LOGIN_RATE_LIMIT = {
    "ACCOUNT": env_int("LOGIN_RATE_LIMIT_ACCOUNT", 5),
    "ADDRESS": env_int("LOGIN_RATE_LIMIT_ADDRESS", 20),
    "WINDOW": env_int("LOGIN_RATE_LIMIT_WINDOW", 15 * 60),
}
PASSWORD_RESET_RATE_LIMIT = {
    "ACCOUNT": env_int("PASSWORD_RESET_RATE_LIMIT_ACCOUNT", 3),
    "ADDRESS": env_int("PASSWORD_RESET_RATE_LIMIT_ADDRESS", 10),
    "WINDOW": env_int("PASSWORD_RESET_RATE_LIMIT_WINDOW", 60 * 60),
}
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Webhooks and chat messages (notifications/webhooks.py): seconds to wait for an answer;
# plain http:// endpoints only where WEBHOOK_ALLOW_HTTP is on, and hosts on private networks
# (loopback, 10/8, 169.254/16 ...) only where WEBHOOK_ALLOW_PRIVATE is (development, tests).
WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 5)
WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", False)
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", False)

# The REST API (api/): personal tokens only, JSON only, throttled in the cache above.
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "600/min")  # per token owner
API_ANON_RATE_LIMIT = env_str("API_ANON_RATE_LIMIT", "60/min")  # per address, no token
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.authentication.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttles.TokenRateThrottle",
        "api.throttles.AddressRateThrottle",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.handler",
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mentorship API",
    "DESCRIPTION": "Programs, participants, pairs, sessions and next actions, as you see them.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # A participant's role and an action's owner share one choice set (mentor/mentee/both).
    "ENUM_NAME_OVERRIDES": {"PersonRoleEnum": "mentorship.models.Participant.Role"},
}

AUTH_USER_MODEL = "mentorship.User"
AUTHENTICATION_BACKENDS = ["mentorship.auth.EmailBackend"]
# PASSWORD_SIGN_IN=false: people sign in only through single sign-on; the email/password form
# and password reset are gone, and only staff may still use a password (for Django admin).
PASSWORD_SIGN_IN = env_bool("PASSWORD_SIGN_IN", True)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a day

# Single sign-on with django-allauth. Providers come from the environment (below) or from
# "Social applications" in Django admin. Accounts are made just in time, never by a sign-up
# form; an existing account is linked only when the identity provider vouches for the email.
ACCOUNT_ADAPTER = "mentorship.sso.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "mentorship.sso.SocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_EMAIL_VERIFICATION = "none"  # the identity provider has verified it (checked in sso.py)
ACCOUNT_UNIQUE_EMAIL = True
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # linking is decided in sso.py, verified email only
SOCIALACCOUNT_LOGIN_ON_GET = False  # a provider button is a POST form (no sign-in by a link)
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
SOCIALACCOUNT_PROVIDERS = sso_providers_from_env(SITE_URL)

# SCIM 2.0 provisioning (django-scim2) at /scim/v2/, with tokens from mentorship/scim.py.
SCIM_SERVICE_PROVIDER = {
    "NETLOC": urlsplit(SITE_URL).netloc,
    "SCHEME": urlsplit(SITE_URL).scheme,
    "USER_ADAPTER": "mentorship.scim.ScimUser",
    "USER_FILTER_PARSER": "mentorship.scim_filters.ScimUserFilter",
    "GET_OBJECT_POST_PROCESSOR_GETTER": "mentorship.scim_filters.object_post_processor_getter",
    "GET_QUERYSET_POST_PROCESSOR_GETTER": "mentorship.scim_filters.queryset_post_processor_getter",
    "AUTHENTICATION_SCHEMES": [
        {
            "type": "oauthbearertoken",
            "name": "Bearer token",
            "description": "A provisioning token made on the program's Provisioning page.",
        }
    ],
    "WWW_AUTHENTICATE_HEADER": 'Bearer realm="scim"',
}

LANGUAGE_CODE = "en"
# One date and time format per language (mentorship/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["mentorship.formats"]
# Each person picks a language on their profile; until then the browser's
# Accept-Language decides (LocaleMiddleware). Names are in their own language, so a
# person who cannot read the current one still finds theirs.
LANGUAGES = [("en", "English"), ("es", "Español"), ("fr", "Français"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"  # stored in UTC; shown in each user's own time zone
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = not PRODUCTION  # development serves from the apps, no collectstatic
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Email: SMTP when EMAIL_HOST is set; otherwise (development) one .eml file per
# message in var/outbox, readable at /dev/outbox/.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Mentorship <mentorship@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
OUTBOX_DIR = VAR_DIR / "outbox"
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif PRODUCTION:
    raise ConfigError("EMAIL_HOST is not set; production needs an SMTP server to send email.")
else:
    EMAIL_BACKEND = env_str("EMAIL_BACKEND", "notifications.dev_outbox.OutboxBackend")

# Celery: with no broker, tasks run in process (eagerly) so development needs nothing.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or None
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
# Longer than any task, so a slow task is not redelivered while it still runs.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 60 * 60,
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "max_retries": 1,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request never hangs on a dead broker: a couple of quick tries, then give up.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "mentorship.heartbeat", "schedule": 60.0},
    # Reminders and nudges: what is due lives in the database; these claim it.
    # `expires` drops a run that waited longer than its interval (a dead worker's
    # backlog) instead of piling runs up: the next run covers the same ground.
    "send-due-reminders": {
        "task": "sessions.send_due_reminders",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "send-weekly-nudges": {
        "task": "sessions.send_weekly_nudges",
        "schedule": 15 * 60.0,
        "options": {"expires": 14 * 60},
    },
    "send-weekly-digests": {
        "task": "insights.send_weekly_digests",
        "schedule": 15 * 60.0,
        "options": {"expires": 14 * 60},
    },
    # Check-in rounds and idle pairs (checkins.schedule, checkins.idle), then delivery.
    "send-due-checkins": {
        "task": "checkins.send_due_checkins",
        "schedule": 5 * 60.0,
        "options": {"expires": 4 * 60},
    },
    # Pairs written without the post_save hook (bulk, or from before check-ins) get armed.
    "checkins-arm-missing": {
        "task": "checkins.arm_missing",
        "schedule": 60 * 60.0,
        "options": {"expires": 55 * 60},
    },
    "deliver-pending-email": {
        "task": "notifications.deliver_pending_email",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "deliver-pending-webhooks": {
        "task": "notifications.deliver_pending_webhooks",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Each program's weekly channel summary: recorded once per ISO week (the first run
    # of the week posts it), so an hourly run is enough.
    "post-weekly-summaries": {
        "task": "insights.post_weekly_summaries",
        "schedule": 60.0 * 60,
        "options": {"expires": 55 * 60},
    },
    # Program health's daily rollups: fold the changes the triggers recorded.
    "fold-health-rollups": {
        "task": "insights.fold_health_rollups",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Pairing requests past their program's expiry (also checked whenever one is answered).
    "pairs-expire-requests": {
        "task": "pairs.expire_requests",
        "schedule": 60 * 60.0,
        "options": {"expires": 55 * 60},
    },
}
# Email delivery (notifications.outbox): seconds to wait before retry 1, 2, …, the last
# one repeating until EMAIL_RETRY_FOR seconds have passed since the email was queued;
# then it is marked failed and shown to admins, who may resend it. The lease is how long
# a worker may hold a claimed email before another round may take it over (never less
# than a batch's worst case, batch size x EMAIL_TIMEOUT; renewed while it sends).
EMAIL_RETRY_DELAYS = env_int_list("EMAIL_RETRY_DELAYS", ["60", "300", "1800", "7200"])
EMAIL_RETRY_FOR = env_int("EMAIL_RETRY_FOR", 3 * 24 * 60 * 60)
EMAIL_SEND_LEASE_SECONDS = env_int("EMAIL_SEND_LEASE_SECONDS", 300)
# Threads one delivery task sends with (PostgreSQL only), each with its own SMTP connection,
# and the emails each claims at a time (one SMTP connection and one lease per batch).
EMAIL_DELIVERY_THREADS = env_int("EMAIL_DELIVERY_THREADS", 4)
EMAIL_DELIVERY_BATCH = env_int("EMAIL_DELIVERY_BATCH", 50)

# /healthz says "degraded" (naming which) past these: no worker heartbeat for this long
# (beat sends one a minute), a pending email waiting this long, more failed emails.
HEALTH_WORKER_STALE_SECONDS = env_int("HEALTH_WORKER_STALE_SECONDS", 180)
HEALTH_EMAIL_BACKLOG_SECONDS = env_int("HEALTH_EMAIL_BACKLOG_SECONDS", 15 * 60)
HEALTH_FAILED_EMAILS_MAX = env_int("HEALTH_FAILED_EMAILS_MAX", 0)

# Security. Production gets the strict defaults; each can be relaxed by env for
# local HTTP-only trials (see docker-compose.yml).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Django's database sessions, read with a compiled query (mentorship/session_store.py).
SESSION_ENGINE = "mentorship.session_store"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
