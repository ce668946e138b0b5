"""Files for the attachment tests, made in code: the real kinds, and hostile ones dressed as
them."""

import io
import zipfile

from openpyxl import Workbook

from evaluation.selfstudy.demo import demo_pdf

PDF = demo_pdf("Attachment test")
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + \
    b"\xff\xd9"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def xlsx() -> bytes:
    book = Workbook()
    book.active["A1"] = "相談件数"
    book.active["B1"] = 120
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rewritten(source: bytes, *, add: dict | None = None, replace: dict | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for entry in src.infolist():
            data = src.read(entry)
            for name, (old, new) in (replace or {}).items():
                if entry.filename == name:
                    data = data.replace(old, new)
            dst.writestr(entry, data)
        for name, data in (add or {}).items():
            dst.writestr(name, data)
    return out.getvalue()


def xlsm() -> bytes:
    """A macro workbook as Excel saves one: the VBA part and the macro-enabled main type."""
    return _rewritten(xlsx(), add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0VBA"}, replace={
        "[Content_Types].xml": (b"spreadsheetml.sheet.main+xml",
                                b"ms-excel.sheet.macroEnabled.main+xml")})


def xlsx_with_hidden_vba() -> bytes:
    """A workbook that says it is a plain .xlsx but carries a VBA project."""
    return _rewritten(xlsx(), add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0VBA"})


def zip_bomb(unpacked: int = 40 * 1024 * 1024) -> bytes:
    """A few tens of kilobytes posing as a workbook that unpacks to `unpacked` bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml",
                         b'<Types><Override ContentType="application/vnd.openxmlformats-'
                         b'officedocument.spreadsheetml.sheet.main+xml"/></Types>')
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(unpacked // len(chunk)):
                sheet.write(chunk)
    return out.getvalue()


def docx_like() -> bytes:
    """A zip that is an Office file, but not a workbook."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types>wordprocessingml.document.main+xml"
                                                b"</Types>")
        archive.writestr("word/document.xml", b"<document/>")
    return out.getvalue()


def multipart(fields: dict, files: list[tuple[str, str, bytes]],
              boundary: str = "selfstudyBoundary7MA4YWxk") -> tuple[bytes, str]:
    """A multipart body written by hand, so a test can send any file name at all (Django's
    test client sends only the base name)."""
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())
    for field, filename, content in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                     f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
                     + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
