"""Hostile inputs, and `assert_inert(html, payload)`: shown as text, never as markup.

Every payload that tries to be markup carries MARKER, so `assert_inert` can find where it
landed in the parsed page: in text (fine: it was escaped) or as a tag, an attribute, a URL,
an htmx attribute or script content (an injection).

Use in a feature test::

    from tests.hostile import HOSTILE, STORABLE, assert_inert

    @pytest.mark.parametrize("payload", STORABLE, ids=payload_id)
    def test_goals_are_inert(client, payload, ...):
        participant.goals = fit(payload, Participant, "goals"); participant.save()
        assert_inert(client.get(url).content.decode(), payload)
"""

from html.parser import HTMLParser

MARKER = "xss7f3a"

MARKUP = [
    f"<script>alert('{MARKER}')</script>",
    f"</title><script>alert('{MARKER}')</script>",
    f"<img src=x onerror=alert('{MARKER}')>",
    f"<svg onload=alert('{MARKER}')>",
    f'"><img src=x onerror=alert("{MARKER}")>',
    f"'><b data-{MARKER}=1>bold</b>",
    f'" onmouseover="alert(\'{MARKER}\')" x="',
    f"<a href=\"javascript:alert('{MARKER}')\">click</a>",
    f"javascript:alert('{MARKER}')",
    f'<iframe src="https://evil.example/{MARKER}"></iframe>',
    f'<form action="https://evil.example/{MARKER}"><button>go</button></form>',
    f'<div hx-get="/admin/?{MARKER}" hx-trigger="load">x</div>',
    f'<button hx-post="/accounts/logout/?{MARKER}" hx-trigger="load">x</button>',
    f"<div hx-on:load=\"alert('{MARKER}')\">x</div>",
    f"<div hx-on::after-request=\"alert('{MARKER}')\" hx-vals='{{\"{MARKER}\": 1}}'>x</div>",
    f'<style>body{{background:url("https://evil.example/{MARKER}")}}</style>',
    f'<meta http-equiv="refresh" content="0;url=https://evil.example/{MARKER}">',
    f"<!--{MARKER}--><base href='https://evil.example/{MARKER}/'>",
    f"<math><mi xlink:href=\"javascript:alert('{MARKER}')\">x</mi></math>",
    f"&lt;script&gt;alert('{MARKER}')&lt;/script&gt;",  # already escaped: must stay text
]
TEMPLATE = [
    f"{{{{ request.user.password }}}} {MARKER}",
    f"{{% debug %}} {MARKER}",
    f"{{% load static %}}{{{{ 7|add:7 }}}} {MARKER}",
    "${7*7} #{7*7} {{7*7}}",
]
ODD = [
    "A" * 10_000,
    "x" * 149 + "<",
    "\u202eevil.exe\u202c \u200b\u200d\ufeff",  # bidi override, zero-width
    "\x01\x02\x07\x08\x0b\x0c\x1b[31mred\x1b[0m\x7f",  # control characters
    "Ünïcödé 名前 🙂 \U0001f9d1\u200d\U0001f4bb e\u0301",  # combining, ZWJ emoji
    "line one\nline two\r\n\tindented",
    "   ",
    "' OR 1=1 --",
    "Robert'); DROP TABLE mentorship_user;--",
    '=HYPERLINK("https://evil.example")',
    "nul\x00byte",
]
HOSTILE = MARKUP + TEMPLATE + ODD
# PostgreSQL text cannot hold NUL: forms must refuse it (tests/test_fuzz_forms.py); what
# can be stored (and so shown) is everything else.
STORABLE = [p for p in HOSTILE if "\x00" not in p]

URL_ATTRS = {
    "href",
    "src",
    "action",
    "formaction",
    "srcset",
    "data",
    "poster",
    "background",
    "xlink:href",
    "ping",
}
TEXT_ATTRS = {"value", "title", "alt", "aria-label", "placeholder", "aria-description"}


def payload_id(payload):
    """A short, printable test id for a payload."""
    text = payload.encode("unicode_escape").decode("ascii")
    return (text[:40] + f"…{len(payload)}") if len(text) > 40 else text


def fit(payload, model, field_name):
    """The payload cut to a field's max_length, so the database accepts it."""
    max_length = model._meta.get_field(field_name).max_length
    return payload[:max_length] if max_length else payload


class _Scan(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.raw_stack = []  # inside <script>/<style>
        self.text = []  # what a reader sees: text nodes and text attributes

    def _tag(self, tag, attrs):
        where = f"<{tag}>"
        if MARKER in tag:
            self.problems.append(f"the payload made a tag: {where}")
        for name, value in attrs:
            value = value or ""
            if name.lower() in TEXT_ATTRS:
                self.text.append(value)
            if MARKER in name:
                self.problems.append(f"the payload made an attribute {name!r} on {where}")
                continue
            if MARKER not in value:
                continue
            lowered = name.lower()
            if lowered in TEXT_ATTRS:
                continue  # e.g. <input value="…">: shown as text, even "javascript:…"
            self.problems.append(f"the payload landed in {name}= on {where}: {value[:80]!r}")

    def handle_starttag(self, tag, attrs):
        self._tag(tag, attrs)
        if tag in ("script", "style"):
            self.raw_stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self._tag(tag, attrs)

    def handle_endtag(self, tag):
        if self.raw_stack and self.raw_stack[-1] == tag:
            self.raw_stack.pop()

    def handle_data(self, data):
        if self.raw_stack:
            if MARKER in data:
                self.problems.append(f"the payload is inside <{self.raw_stack[-1]}>: {data[:80]!r}")
        else:
            self.text.append(data)

    def handle_comment(self, data):
        if MARKER in data:
            self.problems.append("the payload opened an HTML comment")

    def handle_decl(self, decl):
        if MARKER in decl:
            self.problems.append("the payload made a declaration")


def assert_inert(page, payload, shown=True):
    """The payload in `page` (HTML text) is only ever text, never markup.

    - anything with markup characters never appears unescaped;
    - parsed, the page has no tag, attribute, URL, htmx attribute, event handler,
      comment or script/style content made from the payload;
    - shown=True: the payload's visible text is on the page (it was shown, not
      evaluated: template syntax stays literal). Pass shown=False when the page is
      expected to cut or hide it. (Text nodes and text attributes such as value="…" count,
      so |linebreaksbr and edit forms are fine.)
    """
    if isinstance(page, bytes):
        page = page.decode()
    risky = any(c in payload for c in "<>\"'`")
    if risky and len(payload) >= 4:
        assert payload not in page, f"payload appears unescaped: {payload!r}"
    scan = _Scan()
    scan.feed(page)
    scan.close()
    assert not scan.problems, f"payload {payload!r} is not inert:\n" + "\n".join(scan.problems)
    if shown:
        visible = " ".join(" ".join(scan.text).split())
        expected = " ".join(payload.split())
        # Cut long payloads to a prefix: fields have a max length.
        probe = expected[:60]
        assert probe in visible, f"payload text not shown: {probe!r}"
