"""A real OpenID Connect provider for the single sign-on tests: django-oauth-toolkit's, in a
tiny Django project of its own, served on a loopback port by the tests (tests/idp/run.py).

    python tests/idp/oidc_server.py PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI

Anyone may sign in at its /login/ page by typing an email (it is a test provider). The
tests steer what it answers through POST /control/ (JSON), loopback only:

- {"email_verified": false}: the `email_verified` claim it sends;
- {"mode": "wrong_audience" | "expired" | "wrong_key" | ""}: an ID token for another client,
  one that expired an hour ago, or one signed with a key that is not in its JWKS (same key
  id), instead of a good one.
"""

import json
import sys
import tempfile
import time
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import django
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings


def _rsa_pem():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


STATE = {"mode": "", "email_verified": True}
WRONG_KEY = _rsa_pem()


def configure(port):
    db = Path(tempfile.mkdtemp(prefix="oidc-idp-")) / "db.sqlite3"
    settings.configure(
        DEBUG=False,
        SECRET_KEY="oidc-test-provider-only-" + "x" * 40,
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "oauth2_provider",
        ],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ],
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(db),
                # A throwaway database: no waiting for the disk.
                "OPTIONS": {"init_command": "PRAGMA synchronous=OFF; PRAGMA journal_mode=MEMORY"},
            }
        },
        # Client secrets are hashed with the first hasher: a fast one, this is a test provider.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        SESSION_COOKIE_NAME="idp_session",  # not the app's cookie on the same host
        LOGIN_URL="/login/",
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        TEMPLATES=[],
        OAUTH2_PROVIDER={
            "OIDC_ENABLED": True,
            "OIDC_RSA_PRIVATE_KEY": _rsa_pem(),
            "PKCE_REQUIRED": False,
            "SCOPES": {"openid": "OpenID", "email": "Email", "profile": "Profile"},
            "OAUTH2_VALIDATOR_CLASS": "__main__.Validator",
        },
    )
    django.setup()


def urls():
    # Imported here: these need settings.configure() and django.setup() to have run.
    from django.contrib.auth import get_user_model, login
    from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
    from django.urls import include, path
    from django.utils.html import escape
    from django.views.decorators.csrf import csrf_exempt

    @csrf_exempt
    def sign_in(request):
        if request.method == "POST":
            email = request.POST["email"].strip().lower()
            user, _ = get_user_model().objects.get_or_create(
                username=email, defaults={"email": email, "first_name": "Idp", "last_name": "User"}
            )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return HttpResponseRedirect(request.POST.get("next") or "/")
        nxt = escape(request.GET.get("next", "/"))
        return HttpResponse(
            "<!doctype html><title>Test OIDC provider</title><h1>Test OIDC provider</h1>"
            f'<form method="post"><input type="hidden" name="next" value="{nxt}">'
            '<label>Work email <input name="email" type="email"></label>'
            "<button>Continue</button></form>"
        )

    @csrf_exempt
    def control(request):
        if request.method == "POST":
            STATE.update(json.loads(request.body))
        return JsonResponse(STATE)

    return [
        path("login/", sign_in),
        path("control/", control),
        path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    ]


def _make_validator():
    # Imported here: oauth2_provider reads its settings on import (after configure()).
    from jwcrypto import jwk, jwt
    from oauth2_provider.oauth2_validators import OAuth2Validator

    class Validator(OAuth2Validator):
        oidc_claim_scope = None  # every claim below in the ID token and userinfo

        def get_additional_claims(self, request):
            user = request.user
            return {
                "email": user.email,
                "email_verified": bool(STATE["email_verified"]),
                "name": f"{user.first_name} {user.last_name}",
            }

        def finalize_id_token(self, id_token, token, token_handler, request):
            serialized = super().finalize_id_token(id_token, token, token_handler, request)
            mode = STATE["mode"]
            if not mode:
                return serialized
            original = jwt.JWT(jwt=serialized, key=request.client.jwk_key)
            header = json.loads(original.header)
            claims = json.loads(original.claims)
            key = request.client.jwk_key
            if mode == "wrong_audience":
                claims["aud"] = "someone-else"
            elif mode == "expired":
                claims["iat"] = int(time.time()) - 7200
                claims["exp"] = int(time.time()) - 3600
            elif mode == "wrong_key":
                key = jwk.JWK.from_pem(WRONG_KEY.encode())
            forged = jwt.JWT(header=json.dumps(header), claims=json.dumps(claims))
            forged.make_signed_token(key)
            return forged.serialize()

    return Validator


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


urlpatterns = []


def main():
    port, client_id, client_secret, redirect_uri = sys.argv[1:5]
    configure(int(port))
    global Validator, urlpatterns
    Validator = _make_validator()
    urlpatterns = urls()
    # Imported here: after django.setup(), like the two above.
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import get_application_model

    call_command("migrate", verbosity=0)
    get_application_model().objects.create(
        name="mentorship",
        client_id=client_id,
        client_secret=client_secret,
        client_type="confidential",
        authorization_grant_type="authorization-code",
        redirect_uris=redirect_uri,
        algorithm="RS256",
        skip_authorization=True,
    )
    server = make_server(
        "127.0.0.1", int(port), get_wsgi_application(), ThreadingServer, QuietHandler
    )
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
