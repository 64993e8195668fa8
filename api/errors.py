"""Every API error body has a `detail` sentence (the schema's ErrorSerializer); field
problems also come under `errors`, by field."""

from rest_framework.views import exception_handler


def handler(exc, context):
    response = exception_handler(exc, context)
    if response is None or not isinstance(response.data, dict | list):
        return response
    data = response.data
    if isinstance(data, dict) and "detail" in data:
        return response
    errors = data if isinstance(data, dict) else {"non_field_errors": data}
    first = next(iter(errors.values()), "Invalid input.")
    if isinstance(first, list) and first:
        first = first[0]
    response.data = {"detail": str(first), "errors": errors}
    return response
