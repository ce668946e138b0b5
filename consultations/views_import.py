"""Import of historical consultation sessions (CSV or Excel) and the download of the rows an
import left out. The file format lives in consultations/imports/ and docs/import-format.md."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hubs.access import require
from hubs.roles import CHANGE_RECORDS, VIEW_RECORDS
from hubs.scoping import get_for_user_or_404, hub_for_user_or_404
from yorozu.core.files import stored_file_response

from . import imports, services
from .models import ImportBatch

# Beyond this many, the page shows a note instead of more error rows; the user can still get
# every error, per row, from the rejected-rows file.
MAX_ERRORS_SHOWN = 500
RECENT_BATCHES = 10


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV (UTF-8 or Shift_JIS, as Excel saves it) or Excel workbook "
                               "(.xlsx), up to 5 MB and 10,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv,application/"
                                               "vnd.openxmlformats-officedocument."
                                               "spreadsheetml.sheet"}))
    valid_only = forms.BooleanField(
        label=gettext_lazy("Import only the valid rows"), required=False,
        help_text=gettext_lazy("Off: if any row has an error, nothing is imported. On: the "
                               "valid rows are imported and the others can be downloaded with "
                               "their errors, to correct and import again."))


def session_import(request, jis_code):
    hub = hub_for_user_or_404(request.user, jis_code, VIEW_RECORDS)
    require(request.user, CHANGE_RECORDS, hub)
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    checked = None
    if posted and form.is_valid():
        checked = _check(form, hub)
        if checked is not None:
            done = _import(request, form, checked)
            if done is not None:
                url = reverse("consultations:session_import", args=[hub.jis_code])
                return redirect(f"{url}?batch={done.batch.pk}")
    errors = checked.errors if checked is not None else []
    return render(request, "consultations/session_import.html", {
        "hub": hub,
        "form": form,
        "columns": imports.column_table(),
        "errors": errors[:MAX_ERRORS_SHOWN],
        "errors_total": len(errors),
        "error_rows": len(checked.rejected_rows) if checked is not None else 0,
        "errors_cut": len(errors) > MAX_ERRORS_SHOWN,
        "ignored_headers": checked.upload.ignored_headers if checked is not None else [],
        "batch": _batch(request, hub),
        "recent": (ImportBatch.objects.for_user(request.user, CHANGE_RECORDS)
                   .filter(hub=hub).select_related("created_by")
                   .order_by("-created_at", "-pk")[:RECENT_BATCHES]),
        "max_rows": imports.MAX_ROWS,
    })


def _check(form, hub):
    try:
        upload = imports.read_upload(form.cleaned_data["file"])
    except imports.ImportFileError as exc:
        form.add_error("file", exc.message)
        return None
    return imports.check(upload, hub=hub)


def _import(request, form, checked):
    """Imports, or says why not; the result, or None when nothing was imported."""
    valid_only = form.cleaned_data["valid_only"]
    if checked.errors and not valid_only:
        form.add_error(None, _(
            "Nothing was imported. Rows with errors: %(rows)s. Correct them and upload the file "
            "again, or tick “Import only the valid rows”.")
            % {"rows": len(checked.rejected_rows)})
        return None
    if not checked.valid_rows:
        form.add_error(None, _("Nothing was imported: every row has an error."))
        return None
    try:
        result = imports.run(checked, by=request.user, valid_only=valid_only)
    except (ValidationError, services.WorkflowError) as exc:
        # Rows are checked beforehand with the same rules; if a record still fails, the
        # transaction leaves nothing behind.
        detail = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        form.add_error(None, _("Nothing was imported: a record could not be saved (%(error)s).")
                       % {"error": detail})
        return None
    messages.success(request, _(
        "Imported. Sessions: %(sessions)s; cases: %(cases)s; new clients: %(new)s; existing "
        "clients: %(matched)s.") % {"sessions": result.sessions, "cases": result.cases,
                                "new": result.clients_created,
                                "matched": result.clients_matched})
    if result.batch.rejected:
        messages.warning(request, _(
            "Rows not imported because of errors: %(rows)s. Download them below, correct them "
            "and import that file.") % {"rows": result.batch.rejected})
    return result


def _batch(request, hub):
    pk = request.GET.get("batch", "")
    if not pk.isdigit():
        return None
    return (ImportBatch.objects.for_user(request.user, CHANGE_RECORDS).filter(hub=hub, pk=pk)
            .select_related("created_by").first())


def import_rejected(request, pk):
    batch = get_for_user_or_404(ImportBatch.objects.all(), request.user, CHANGE_RECORDS, pk=pk)
    # Streamed from the storage (404 when there is no file), only after the door above.
    response = stored_file_response(batch.rejected_file, filename=f"取込不可_{batch.pk}.xlsx",
                                    fallback=f"rejected_{batch.pk}.xlsx")
    # The rows hold clients' names and phone numbers.
    services.personal_data_read_log(user=request.user, client=None, hub_id=batch.hub_id,
                                    what="import_rejected", rows=batch.rejected,
                                    detail=f"import {batch.pk}: {batch.filename}")
    return response
