"""Files that users attach: what a file is, judged from its bytes, never from its name or the
browser's word; how large it may be; and a request parsed so that an oversize file is never
kept and a file name that tried to climb out of its folder is known (docs/operations.md,
Attachments).

- `receive(request, max_bytes=...)` parses a multipart POST itself, before anything reads
  `request.POST`. So the view must be `csrf_exempt` and check the token afterwards with
  `csrf_protect` (Django's documented way to change upload handlers per view). A file over
  the limit is skipped as it streams in (never written to a temporary file) and reported;
  a raw name with a folder separator or "..", which Django would quietly cut down, is
  reported too.
- `inspect(upload, ...)` answers the `FileKind` of an acceptable file or raises `Refused`
  with a message for the user: the size, the name, the type from the first bytes, the name's
  ending against that type, an Excel workbook opened as a zip without unpacking it (no
  macros, no encryption, nothing that would unpack to far more than its size) and, when a
  clamd is configured, the virus scan (yorozu/core/clamd.py).

The bottom floor: Django and the standard library only."""

import zipfile
from dataclasses import dataclass, field

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http.multipartparser import MultiPartParser
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from . import clamd

# Unpacking an .xlsx: bounds that no real workbook of a hub reaches, and a zip bomb does.
XLSX_MAX_ENTRIES = 5000
XLSX_MAX_UNPACKED = 200 * 1024 * 1024
XLSX_MAX_RATIO = 200  # unpacked / packed, for entries above 1 MB unpacked
XLSX_RATIO_FROM = 1024 * 1024
XLSX_MACRO_PARTS = ("vbaproject.bin", "vbaprojectsignature.bin", "vbadata.xml")
NAME_MAX = 200


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    content_type: str
    extension: str  # the one a stored file gets
    endings: tuple[str, ...]  # the name endings a file of this kind may have


PDF = FileKind("pdf", "PDF", "application/pdf", ".pdf", (".pdf",))
XLSX = FileKind("xlsx", "Excel (.xlsx)",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx",
                (".xlsx",))
PNG = FileKind("png", "PNG", "image/png", ".png", (".png",))
JPEG = FileKind("jpeg", "JPEG", "image/jpeg", ".jpg", (".jpg", ".jpeg"))
KINDS = {kind.code: kind for kind in (PDF, XLSX, PNG, JPEG)}
# The first bytes of each kind. A PDF may put its header anywhere in its first kilobyte by
# the standard; every producer a hub uses puts it first, and so must an attachment here.
_SIGNATURES = [(b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG),
               (b"PK\x03\x04", XLSX)]
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc, and password-protected .xlsx


class Refused(Exception):
    """An attachment refused. `reason` is a short code (tests, logs); `message` is for the
    user, in their language."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason, self.message = reason, message


# --- Receiving -------------------------------------------------------------------------------
class _SizeLimit(FileUploadHandler):
    """First of the handlers: passes each chunk on until a file passes `max_bytes`, then
    skips the rest of that file, so nothing of it is kept in memory or a temporary file."""

    def __init__(self, request, max_bytes: int):
        super().__init__(request)
        self.max_bytes, self.oversize, self.received = max_bytes, [], 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.oversize.append(self.file_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler makes the file


class _NameKeepingParser(MultiPartParser):
    """Django's parser, remembering each file name as the browser sent it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.raw_names: list[str] = []

    def sanitize_file_name(self, file_name):
        self.raw_names.append(file_name)
        return super().sanitize_file_name(file_name)


@dataclass
class Received:
    oversize: list[str] = field(default_factory=list)  # names of files skipped for their size
    unsafe_names: list[str] = field(default_factory=list)  # raw names that held a path


def receive(request, *, max_bytes: int) -> Received:
    """Parses the POST of `request` (multipart or not) with the size limit in front of
    Django's own handlers. Call it before anything reads request.POST or request.FILES."""
    if request.method != "POST" or request.content_type != "multipart/form-data":
        return Received()
    limit = _SizeLimit(request, max_bytes)
    request.upload_handlers.insert(0, limit)
    parser = _NameKeepingParser(request.META, request, request.upload_handlers,
                                request.encoding)
    request._post, request._files = parser.parse()
    return Received(oversize=limit.oversize,
                    unsafe_names=[n for n in parser.raw_names if not _plain_name(n)])


def _plain_name(name: str) -> bool:
    """No folder in it, no way up, nothing unprintable, not hidden, no drive letter."""
    return (bool(name) and len(name) <= NAME_MAX and "/" not in name and "\\" not in name
            and ":" not in name and not name.startswith(".") and ".." not in name
            and all(char.isprintable() for char in name))


# --- Inspecting ------------------------------------------------------------------------------
def inspect(upload, *, max_bytes: int, kinds: tuple[FileKind, ...] | None = None) -> FileKind:
    """The kind of `upload` (a Django UploadedFile), or Refused saying why not. `kinds`: those
    accepted (all of KINDS by default)."""
    if upload.size > max_bytes:
        raise Refused("size", oversize_message(max_bytes))
    if not upload.size:
        raise Refused("empty", _("The file is empty."))
    if not _plain_name(upload.name):
        raise Refused("name", name_message())
    kind = identify(upload)
    if kind is None or kind not in (kinds or KINDS.values()):
        raise Refused("type", type_message())
    if kind is XLSX:  # first: a macro workbook (.xlsm) is told why, not that it is misnamed
        _check_workbook(upload)
    ending = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if ending not in kind.endings:
        raise Refused("ending", _(
            "The file's name ends in “%(ending)s” but its content is %(kind)s. Give it a name "
            "ending in “%(expected)s” and attach it again.")
            % {"ending": ending or _("(no ending)"), "kind": kind.label,
               "expected": kind.endings[0]})
    _scan(upload)
    upload.seek(0)
    return kind


def identify(upload) -> FileKind | None:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(_OLE):
        raise Refused("ole", _(
            "This is an old Excel or Word file (.xls, .doc) or a password-protected workbook. "
            "Save it as an Excel workbook (.xlsx) without a password, or as PDF, and attach it "
            "again."))
    return next((kind for signature, kind in _SIGNATURES if head.startswith(signature)), None)


def _check_workbook(upload) -> None:
    """A real Office Open XML workbook without macros, read from the zip's directory (and its
    small [Content_Types].xml) without unpacking anything else."""
    unreadable = Refused("workbook", _(
        "This Excel file could not be read as a workbook, or it would unpack to far more than "
        "its size. Open it in Excel, save it again as an Excel workbook (.xlsx) and attach it "
        "again."))
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > XLSX_MAX_ENTRIES:
                raise unreadable
            unpacked = 0
            names = {}
            for entry in entries:
                if entry.flag_bits & 0x1:  # encrypted entry
                    raise unreadable
                unpacked += entry.file_size
                if entry.file_size > XLSX_RATIO_FROM and (
                        entry.file_size > XLSX_MAX_RATIO * max(entry.compress_size, 1)):
                    raise unreadable
                names[entry.filename.lower()] = entry
            if unpacked > XLSX_MAX_UNPACKED:
                raise unreadable
            if any(name.rsplit("/", 1)[-1] in XLSX_MACRO_PARTS or "macrosheets/" in name
                   for name in names):
                raise Refused("macro", macro_message())
            types = names.get("[content_types].xml")
            if types is None or "xl/workbook.xml" not in names:
                raise unreadable
            with archive.open(types) as handle:
                declared = handle.read(1024 * 1024)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            NotImplementedError, RuntimeError) as exc:
        raise unreadable from exc
    finally:
        upload.seek(0)
    if b"macroEnabled" in declared or b"vbaProject" in declared:
        raise Refused("macro", macro_message())
    if b"spreadsheetml.sheet.main+xml" not in declared:
        raise unreadable


def _scan(upload) -> None:
    if not clamd.configured():
        return
    upload.seek(0)
    try:
        clamd.scan(upload)
    except clamd.Found as exc:
        raise Refused("virus", _("The virus check found a problem in this file, so it was not "
                                 "attached.")) from exc
    except clamd.Unavailable as exc:
        raise Refused("scan_unavailable", _(
            "The virus check cannot be reached right now, so the file was not attached. Try "
            "again in a while.")) from exc
    finally:
        upload.seek(0)


# --- Messages (also shown where a limit is met outside inspect) -------------------------------
def oversize_message(max_bytes: int) -> str:
    return _("The file is larger than %(limit)s. Attach files of at most %(limit)s each.") % {
        "limit": filesizeformat(max_bytes)}


def name_message() -> str:
    return _("The file name cannot contain a folder (“/”, “\\”), “..”, a colon or control "
             "characters, nor start with a dot. Rename the file and attach it again.")


def type_message() -> str:
    return _("This file is not a PDF, an Excel workbook (.xlsx) or an image (PNG or JPEG). "
             "Only those can be attached.")


def macro_message() -> str:
    return _("Excel workbooks with macros (.xlsm, or a workbook holding VBA) cannot be "
             "attached. Save it as an Excel workbook (.xlsx) without macros and attach it "
             "again.")
