"""A filtered, paged list page (participants, pairs): the page, or its results when htmx asks."""

from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def render_filtered_list(request, template, *, program, form, filters, page, extra=None):
    """Render `template` whole, or its `results` partial for htmx (not on history restore)."""
    query = request.GET.copy()
    query.pop("page", None)  # the pagination links add their own
    context = {
        "program": program,
        "form": form,
        "page": page,
        "filtered": bool(filters),
        "query": query.urlencode(),
        **(extra or {}),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    response = render(request, template + ("#results" if partial else ""), context)
    patch_vary_headers(response, ["HX-Request"])
    return response
