"""Files the app keeps (job results, rejected import rows) live in Django's storage: the
server's disk by default, a bucket of S3-compatible object storage when configured, so that
every web and worker replica sees the same files. Code reads and writes them only through the
storage API, never by a path on the local disk.

Downloads stream through the app, which has checked the user first: no bucket URL (public or
presigned) is ever handed out (docs/operations.md, Files)."""

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

from .downloads import content_type_for
from .xlsx import attachment_disposition


def stored_file_response(stored: FieldFile, *, filename: str, fallback: str,
                         content_type: str | None = None) -> FileResponse:
    """Streams a stored file as a download named `filename`; 404 when there is none or it has
    gone from the storage (deleted by hand, say). `content_type`: the type the file was
    checked to be when it came in (an attachment), else the one its name implies."""
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type or content_type_for(filename)
                            or "application/octet-stream")
    response["Content-Disposition"] = attachment_disposition(filename, fallback)
    # Always saved, never shown inline, and never read as another type than the one sent.
    response["X-Content-Type-Options"] = "nosniff"
    # Downloads hold client records: never kept in a shared or browser cache.
    response["Cache-Control"] = "private, no-store"
    return response
