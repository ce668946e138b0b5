"""Import of clients' financial figures (CSV or Excel), all or nothing: the format and its
checks live in imports.py and docs/import-format.md."""

from django import forms
from django.contrib import messages
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultations.views_import import MAX_ERRORS_SHOWN
from hubs.access import require
from hubs.roles import CHANGE_RECORDS, VIEW_RECORDS
from hubs.scoping import hub_for_user_or_404

from . import imports


class SnapshotImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV (UTF-8 or Shift_JIS, as Excel saves it) or Excel workbook "
                               "(.xlsx), up to 5 MB and 10,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv,application/"
                                               "vnd.openxmlformats-officedocument."
                                               "spreadsheetml.sheet"}))


def snapshot_import(request, jis_code):
    hub = hub_for_user_or_404(request.user, jis_code, VIEW_RECORDS)
    require(request.user, CHANGE_RECORDS, hub)
    posted = request.method == "POST"
    form = SnapshotImportForm(request.POST if posted else None,
                              request.FILES if posted else None)
    checked = None
    if posted and form.is_valid():
        checked = _check(form, hub)
        if checked is not None and _import(request, form, checked):
            return redirect(reverse("outcomes:snapshot_import", args=[hub.jis_code]))
    errors = checked.errors if checked is not None else []
    return render(request, "evaluation/outcomes/snapshot_import.html", {
        "hub": hub, "form": form, "columns": imports.column_table(),
        "errors": errors[:MAX_ERRORS_SHOWN], "errors_total": len(errors),
        "errors_cut": len(errors) > MAX_ERRORS_SHOWN,
        "error_rows": len(checked.rejected_rows) if checked is not None else 0,
        "ignored_headers": checked.upload.ignored_headers if checked is not None else [],
        "max_rows": imports.base.MAX_ROWS,
    })


def _check(form, hub):
    try:
        upload = imports.read_upload(form.cleaned_data["file"])
    except imports.base.ImportFileError as exc:
        form.add_error("file", exc.message)
        return None
    return imports.check(upload, hub=hub)


def _import(request, form, checked) -> bool:
    """Imports every row, or says why nothing was imported."""
    if checked.errors:
        form.add_error(None, _("Nothing was imported. Rows with errors: %(rows)s. Correct them "
                               "and upload the file again.")
                       % {"rows": len(checked.rejected_rows)})
        return False
    try:
        saved = imports.run(checked, by=request.user)
    except IntegrityError:
        # Someone recorded one of the periods while the file was being checked.
        form.add_error(None, _("Nothing was imported: a period of the file was recorded "
                               "meanwhile. Upload the file again to see which."))
        return False
    messages.success(request, _("Imported the figures of %(n)s periods.") % {"n": saved})
    return True
