"""CSV out: cells that a spreadsheet would run as a formula are neutralised."""

import csv

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


_FIRST = frozenset("".join(FORMULA_STARTS))  # each start is one character


def safe_cell(value):
    if value is None:
        return ""
    text = value if type(value) is str else str(value)  # noqa: E721 - exact type, fast path
    if text and text[0] in _FIRST:
        # A leading apostrophe makes spreadsheets show the text, not evaluate it.
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


def csv_lines(header, rows, batch=500):
    """CSV text for a StreamingHttpResponse, in pieces of `batch` rows.

    One write per piece rather than per row: streaming row by row doubled the time of
    a large export through gunicorn, and pieces this size keep memory flat.
    """
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([safe_cell(c) for c in header])  # BOM: Excel reads UTF-8
    piece = []
    for row in rows:
        piece.append(writer.writerow([safe_cell(c) for c in row]))
        if len(piece) >= batch:
            yield "".join(piece)
            piece = []
    if piece:
        yield "".join(piece)


def streaming_csv_response(filename, header, rows):
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
