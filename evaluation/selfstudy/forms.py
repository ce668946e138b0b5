from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from yorozu.core import uploads
from yorozu.core.versioned import VersionedForm

from .models import TEXT_MAX
from .services import total_message

ACCEPT = ".pdf,.xlsx,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"


class AreaForm(VersionedForm):
    """An area's narrative and, optionally, one document to attach with it. A refused file
    leaves the form with the user's text in it and nothing saved."""

    text = forms.CharField(
        label=_("Narrative"), required=False, max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("What the hub did in this area this year, what it achieved and where it "
                    "falls short, with the behaviours of the guideline in mind."))
    file = forms.FileField(
        label=_("Attach a document"), required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPT}))

    def __init__(self, *args, received: uploads.Received | None = None, used_bytes: int = 0,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.received, self.used_bytes, self.kind = received or uploads.Received(), used_bytes, None
        self.fields["file"].help_text = _(
            "PDF, Excel workbook (.xlsx), PNG or JPEG; at most %(file)s each and %(total)s for "
            "the whole self-study. The file's type is checked from its content.") % {
            "file": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
            "total": filesizeformat(settings.SELF_STUDY_ATTACHMENTS_MAX_BYTES)}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if self.received.unsafe_names:
            raise forms.ValidationError(uploads.name_message(), code="name")
        if self.received.oversize:
            raise forms.ValidationError(
                uploads.oversize_message(settings.ATTACHMENT_MAX_BYTES), code="size")
        if not upload:
            return None
        try:
            self.kind = uploads.inspect(upload, max_bytes=settings.ATTACHMENT_MAX_BYTES)
        except uploads.Refused as refused:
            raise forms.ValidationError(refused.message, code=refused.reason) from refused
        if self.used_bytes + upload.size > settings.SELF_STUDY_ATTACHMENTS_MAX_BYTES:
            raise forms.ValidationError(total_message(self.used_bytes), code="total")
        return upload
