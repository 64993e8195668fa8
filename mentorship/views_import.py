"""CSV import: upload, preview every row's problems, confirm; and the template CSV."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorship import access, csvutil, importing
from mentorship.forms import ImportUploadForm
from mentorship.models import Participant


def _too_big(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > importing.MAX_UPLOAD_BYTES + 65536
    except ValueError:
        return False


@login_required
def import_upload(request, slug):
    program = access.get_program_for_admin(request.user, slug)
    if request.method == "POST":
        if _too_big(request):
            # Refuse before reading a huge body into temporary files.
            size = int(request.META["CONTENT_LENGTH"])
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
            return render(
                request,
                "programs/import_preview.html",
                {
                    "program": program,
                    "preview": preview,
                    "batch": batch,
                    "filename": upload.name,
                    "sample": preview.rows[:20],
                },
                status=200 if preview.ok else 422,
            )
        return render(
            request, "programs/import.html", {"program": program, "form": form}, status=422
        )
    form = ImportUploadForm()
    return render(request, "programs/import.html", {"program": program, "form": form})


def _summary(program, batch):
    existing = set(
        Participant.objects.filter(program=program).values_list("user__email", flat=True)
    )
    updates = sum(1 for r in batch.rows if r["email"] in existing)
    return updates


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
    updates = _summary(program, batch)
    preview = importing.Preview(
        columns=batch.columns,
        rows=batch.rows,
        total_rows=batch.row_count,
        update_count=updates,
        new_count=batch.row_count - updates,
    )
    return render(
        request,
        "programs/import_preview.html",
        {
            "program": program,
            "preview": preview,
            "batch": batch,
            "filename": batch.filename,
            "sample": batch.rows[:20],
        },
    )


@login_required
def import_template(request, slug):
    access.get_program_for_admin(request.user, slug)
    rows = importing.template_rows()
    return csvutil.streaming_csv_response("participants-template.csv", rows[0], rows[1:])


@login_required
@require_POST
def import_cancel(request, slug, batch_id):
    program = access.get_program_for_admin(request.user, slug)
    batch = importing.pending_batch(program, request.user, batch_id)
    if batch:
        batch.delete()
    messages.info(request, _("Import cancelled: nothing was written."))
    return redirect("programs:import", slug)
