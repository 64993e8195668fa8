"""CSV out: cells that a spreadsheet would run as a formula are neutralised."""

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        # A leading apostrophe makes spreadsheets show the text, not evaluate it.
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


def csv_lines(header, rows):
    """Yield CSV lines one at a time, for a StreamingHttpResponse."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([safe_cell(c) for c in header])  # BOM: Excel reads UTF-8
    for row in rows:
        yield writer.writerow([safe_cell(c) for c in row])


def streaming_csv_response(filename, header, rows):
    from django.http import StreamingHttpResponse

    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
