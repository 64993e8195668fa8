"""CSV import: upload, preview every row's problems, confirm; and the template CSV."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorship import access, csvutil, importing
from mentorship.forms import ImportUploadForm


def _declared_size(request):
    """The body size the client announced (0 if none or unreadable)."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _render_preview(request, program, preview, batch, filename, status=200):
    return render(
        request,
        "programs/import_preview.html",
        {
            "program": program,
            "preview": preview,
            "batch": batch,
            "filename": filename,
            "sample": preview.rows[:20],
        },
        status=status,
    )


@login_required
def import_upload(request, slug):
    program = access.get_program_for_admin(request.user, slug)
    if request.method == "POST":
        size = _declared_size(request)
        if size > importing.MAX_UPLOAD_BYTES + 65536:
            # Refuse before reading a huge body into temporary files.
            form = ImportUploadForm()
            return render(
                request,
                "programs/import.html",
                {"program": program, "form": form, "upload_error": importing.too_big_message(size)},
                status=413,
            )
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            preview = importing.check(program, upload.read())
            batch = None
            if preview.ok:
                batch = importing.store(program, request.user, preview, upload.name)
            return _render_preview(
                request, program, preview, batch, upload.name, status=200 if preview.ok else 422
            )
        return render(
            request, "programs/import.html", {"program": program, "form": form}, status=422
        )
    form = ImportUploadForm()
    return render(request, "programs/import.html", {"program": program, "form": form})


@login_required
def import_confirm(request, slug, batch_id):
    program = access.get_program_for_admin(request.user, slug)
    batch = importing.pending_batch(program, request.user, batch_id)
    if batch is None:
        messages.error(
            request, _("That import is no longer waiting (already done or expired): upload again.")
        )
        return redirect("programs:import", slug)
    if request.method == "POST":
        result = importing.apply(batch)
        messages.success(
            request,
            _(
                "Imported: %(created)d added, %(updated)d updated, %(skills)d new skills. "
                "New people are “invited”: send them invitations from the Invitations page."
            )
            % {
                "created": result.created,
                "updated": result.updated,
                "skills": result.skills_created,
            },
        )
        return redirect("programs:participants", slug)
    preview = importing.stored_preview(program, batch)
    return _render_preview(request, program, preview, batch, batch.filename)


@login_required
def import_template(request, slug):
    access.get_program_for_admin(request.user, slug)
    return csvutil.streaming_csv_response(
        "participants-template.csv", importing.COLUMNS, importing.TEMPLATE_ROWS
    )


@login_required
@require_POST
def import_cancel(request, slug, batch_id):
    program = access.get_program_for_admin(request.user, slug)
    batch = importing.pending_batch(program, request.user, batch_id)
    if batch:
        batch.delete()
    messages.info(request, _("Import cancelled: nothing was written."))
    return redirect("programs:import", slug)
