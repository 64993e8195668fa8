"""A real SAML 2.0 identity provider for the single sign-on tests: pysaml2's IdP (signing with
Debian's xmlsec1), served on a loopback port by the tests (tests/idp/run.py).

    python tests/idp/saml_server.py PORT

GET /cert.pem is its signing certificate (what an admin pastes into the app); GET
/sso/redirect takes the app's AuthnRequest and shows a sign-in form (anyone may type an
email: it is a test provider); the answer is a signed Response posted back to the app's ACS.
The tests steer it through POST /control/ (JSON), loopback only:

- {"email_verified": "false"}: the email_verified attribute it sends ("" sends none);
- {"mode": "wrong_audience" | "expired" | "forged" | ""}: an assertion for another service
  provider, one that expired ten minutes ago, or one signed with a key that is not the one
  the app trusts, instead of a good one.

GET /control/last gives the last SAMLResponse it sent (base64) and where, for replay tests.
"""

import base64
import datetime
import json
import sys
import tempfile
from html import escape
from pathlib import Path
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.saml import NAME_FORMAT_BASIC, NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

STATE = {"mode": "", "email_verified": "true", "last": None}
WORK = Path(tempfile.mkdtemp(prefix="saml-idp-"))


def key_pair(name):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = WORK / f"{name}.key", WORK / f"{name}.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_file), str(cert_file)


GOOD = key_pair("idp")
FORGER = key_pair("forger")


class LooseServer(Server):
    """pysaml2's IdP without the service provider's metadata: the test answers whoever asks
    (the app under test), never encrypting (there is no SP certificate to encrypt to)."""

    def has_encrypt_cert_in_metadata(self, sp_entity_id):
        return False


def server(base, keys, lifetime_minutes=5):
    config = IdPConfig()
    config.load(
        {
            "entityid": base + "/metadata",
            "service": {
                "idp": {
                    "endpoints": {
                        "single_sign_on_service": [(base + "/sso/redirect", BINDING_HTTP_REDIRECT)]
                    },
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": lifetime_minutes},
                            "attribute_restrictions": None,
                            "name_form": NAME_FORMAT_BASIC,
                        }
                    },
                    "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                    "want_authn_requests_signed": False,
                }
            },
            "key_file": keys[0],
            "cert_file": keys[1],
            "xmlsec_binary": "/usr/bin/xmlsec1",
            "metadata": {},
            "accepted_time_diff": 60,
        }
    )
    config.setattr("idp", "want_authn_requests_signed", False)
    return LooseServer(config=config)


def answer(base, form):
    mode = STATE["mode"]
    email = form["email"].strip().lower()
    keys = FORGER if mode == "forged" else GOOD
    idp = server(base, keys, lifetime_minutes=-10 if mode == "expired" else 5)
    identity = {"email": [email], "first_name": ["Saml"], "last_name": ["Person"]}
    if STATE["email_verified"]:
        identity["email_verified"] = [STATE["email_verified"]]
    audience = (
        "https://someone-else.example/metadata/" if mode == "wrong_audience" else (form["sp"])
    )
    response = idp.create_authn_response(
        identity,
        in_response_to=form["request_id"],
        destination=form["acs"],
        sp_entity_id=audience,
        name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=email),
        authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
        sign_response=True,
        sign_assertion=True,
        sign_alg=SIG_RSA_SHA256,
        digest_alg=DIGEST_SHA256,
    )
    encoded = base64.b64encode(str(response).encode()).decode()
    STATE["last"] = {
        "SAMLResponse": encoded,
        "RelayState": form.get("relay", ""),
        "acs": form["acs"],
    }
    return (
        '<!doctype html><html><body onload="document.forms[0].submit()">'
        f'<form method="post" action="{escape(form["acs"])}">'
        f'<input type="hidden" name="SAMLResponse" value="{encoded}">'
        f'<input type="hidden" name="RelayState" value="{escape(form.get("relay", ""))}">'
        "<noscript><button>Continue</button></noscript></form></body></html>"
    )


def app(environ, start_response):
    path = environ["PATH_INFO"]
    base = f"http://{environ['HTTP_HOST']}"
    query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    body = b""
    if environ["REQUEST_METHOD"] == "POST":
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))

    def reply(text, status="200 OK", kind="text/html; charset=utf-8"):
        start_response(status, [("Content-Type", kind)])
        return [text.encode()]

    if path == "/cert.pem":
        return reply(Path(GOOD[1]).read_text(), kind="text/plain")
    if path == "/control/":
        if body:
            STATE.update(json.loads(body))
        return reply(
            json.dumps({k: v for k, v in STATE.items() if k != "last"}), kind="application/json"
        )
    if path == "/control/last":
        return reply(json.dumps(STATE["last"]), kind="application/json")
    if path == "/sso/redirect":
        idp = server(base, GOOD)
        request = idp.parse_authn_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT).message
        acs = request.assertion_consumer_service_url
        fields = {
            "request_id": request.id,
            "acs": acs,
            "sp": request.issuer.text,
            "relay": query.get("RelayState", ""),
        }
        hidden = "".join(
            f'<input type="hidden" name="{k}" value="{escape(v)}">' for k, v in fields.items()
        )
        return reply(
            "<!doctype html><title>Test SAML IdP</title><h1>Test SAML IdP</h1>"
            f'<form method="post" action="/sso/login">{hidden}'
            '<label>Work email <input name="email" type="email"></label>'
            "<button>Continue</button></form>"
        )
    if path == "/sso/login":
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        return reply(answer(base, form))
    return reply("not found", status="404 Not Found")


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def main():
    port = int(sys.argv[1])
    server_ = make_server("127.0.0.1", port, app, ThreadingServer, QuietHandler)
    print("ready", flush=True)
    server_.serve_forever()


if __name__ == "__main__":
    main()
