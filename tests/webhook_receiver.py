"""A real HTTP receiver on loopback for webhook and chat tests.

It answers each POST with the next scripted behaviour ("ok" → 200, an int → that status,
"hang" → no answer until the client gives up), records what came in, and checks what a
real receiver checks: our HMAC signature and timestamp (with the endpoint's secret), or
the documented incoming-webhook shape of Slack or Microsoft Teams.
"""

import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from hashlib import sha256
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    answered: object
    problems: list = field(default_factory=list)

    @property
    def json(self):
        return json.loads(self.body)


def slack_problems(body):
    """Slack's incoming webhook: a JSON object with a non-empty "text" string, and optional
    "blocks": a list of objects each with a "type" (section/header text objects typed)."""
    problems = []
    if not isinstance(body.get("text"), str) or not body["text"]:
        problems.append("slack: no text")
    for block in body.get("blocks", []):
        if not isinstance(block, dict) or "type" not in block:
            problems.append(f"slack: block without a type: {block!r}")
        elif block["type"] in ("section", "header"):
            text = block.get("text") or {}
            if text.get("type") not in ("mrkdwn", "plain_text") or not text.get("text"):
                problems.append(f"slack: bad text object in {block!r}")
            if block["type"] == "header" and text.get("type") != "plain_text":
                problems.append("slack: a header takes plain_text")
    return problems


def teams_problems(body):
    """Teams: a legacy MessageCard (@type MessageCard with text or sections), or a message
    whose attachments hold an Adaptive Card (contentType application/vnd.microsoft.card.adaptive,
    content.type AdaptiveCard with a version and a body)."""
    if body.get("@type") == "MessageCard":
        return [] if body.get("text") or body.get("sections") else ["teams: empty MessageCard"]
    problems = []
    if body.get("type") != "message":
        problems.append("teams: type is not message")
    attachments = body.get("attachments") or []
    if not attachments:
        problems.append("teams: no attachments")
    for item in attachments:
        if item.get("contentType") != "application/vnd.microsoft.card.adaptive":
            problems.append(f"teams: contentType {item.get('contentType')!r}")
        card = item.get("content") or {}
        if card.get("type") != "AdaptiveCard" or not card.get("version"):
            problems.append("teams: content is not an AdaptiveCard with a version")
        if not card.get("body") or any("type" not in el for el in card["body"]):
            problems.append("teams: card body missing or untyped")
    return problems


def signature_problems(secret, headers, body, now=None):
    """The receiver's own check, written from the documented scheme (not with our code):
    v1 = hex HMAC-SHA256(secret, "<Mentorship-Timestamp>." + body), timestamp within 5 min."""
    headers = {k.lower(): v for k, v in headers.items()}
    stamp = headers.get("mentorship-timestamp", "")
    given = headers.get("mentorship-signature", "")
    if not stamp.isdigit():
        return ["no timestamp"]
    if abs((now or time.time()) - int(stamp)) > 300:
        return ["stale timestamp"]
    expected = "v1=" + hmac.new(secret.encode(), stamp.encode() + b"." + body, sha256).hexdigest()
    return [] if hmac.compare_digest(expected, given) else ["bad signature"]


class Receiver:
    def __init__(self, secret=None, script=(), hang_seconds=5):
        self.secret = secret
        self.script = list(script)
        self.hang_seconds = hang_seconds
        self.received = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver.lock:
                    step = receiver.script.pop(0) if receiver.script else "ok"
                item = Received(self.path, dict(self.headers), body, step)
                item.problems = receiver.check(item)
                with receiver.lock:
                    receiver.received.append(item)
                if step == "hang":
                    time.sleep(receiver.hang_seconds)
                    return
                status = 200 if step == "ok" else int(step)
                if item.problems and status == 200:
                    status = 400  # what a real receiver does with a bad signature or shape
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"no")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def check(self, item):
        if item.path.startswith("/slack"):
            return slack_problems(json.loads(item.body))
        if item.path.startswith("/teams"):
            return teams_problems(json.loads(item.body))
        return signature_problems(self.secret, item.headers, item.body)

    def delivered(self):
        """Requests answered 200 with nothing wrong."""
        return [r for r in self.received if r.answered == "ok" and not r.problems]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
