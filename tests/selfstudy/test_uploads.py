"""What an attachment is, judged from its bytes (yorozu/core/uploads.py), and the optional
virus scan (yorozu/core/clamd.py). The pages' handling of the same files is in
test_hostile_files.py."""

import socket
import struct
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from yorozu.core import clamd, uploads

from . import files

LIMIT = 10 * 1024 * 1024


def _inspect(name, content, max_bytes=LIMIT):
    return uploads.inspect(SimpleUploadedFile(name, content), max_bytes=max_bytes)


def _refusal(name, content, max_bytes=LIMIT) -> str:
    with pytest.raises(uploads.Refused) as refused:
        _inspect(name, content, max_bytes)
    return refused.value.reason


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("計画.pdf", files.PDF, uploads.PDF),
    ("実績.xlsx", files.xlsx(), uploads.XLSX),
    ("写真.PNG", files.PNG, uploads.PNG),
    ("写真.jpg", files.JPEG, uploads.JPEG),
    ("写真.jpeg", files.JPEG, uploads.JPEG),
])
def test_the_four_kinds_are_recognised_by_their_bytes(name, content, kind):
    assert _inspect(name, content) is kind


def test_the_type_comes_from_the_content_not_the_name_or_the_browser():
    upload = SimpleUploadedFile("report.pdf", files.EXE, content_type="application/pdf")
    with pytest.raises(uploads.Refused) as refused:
        uploads.inspect(upload, max_bytes=LIMIT)
    assert refused.value.reason == "type"


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("setup.pdf", files.EXE, "type"),  # an executable renamed .pdf
    ("photo.png", files.HTML, "type"),  # a web page named .png
    ("minutes.pdf", b"hello, plain text", "type"),
    ("letter.xlsx", files.docx_like(), "workbook"),  # an Office zip, not a workbook
    ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 100, "workbook"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "ole"),
    ("book.xlsm", files.xlsm(), "macro"),
    ("book.xlsx", files.xlsm(), "macro"),  # renamed, still macro-enabled
    ("book.xlsx", files.xlsx_with_hidden_vba(), "macro"),
    ("bomb.xlsx", files.zip_bomb(), "workbook"),
    ("photo.pdf", files.PNG, "ending"),  # a real PNG with a PDF's name
    ("empty.pdf", b"", "empty"),
])
def test_hostile_and_wrong_files_are_refused(name, content, reason):
    assert _refusal(name, content) == reason


def test_an_oversize_file_is_refused_by_its_size():
    assert _refusal("big.pdf", files.PDF + b"\0" * 2048, max_bytes=1024) == "size"


@pytest.mark.parametrize("name", ["..pdf", ".hidden.pdf", "C:evil.pdf", "a\x07b.pdf",
                                  "x" * 250 + ".pdf"])
def test_names_that_are_not_plain_file_names_are_refused(name):
    assert _refusal(name, files.PDF) == "name"


def test_every_refusal_says_why_in_japanese():
    with pytest.raises(uploads.Refused) as refused:
        _inspect("book.xlsm", files.xlsm())
    assert "マクロ" in refused.value.message


def test_a_zip_bomb_is_refused_without_being_unpacked(monkeypatch):
    bomb = files.zip_bomb()
    opened = []
    original = uploads.zipfile.ZipFile.open
    monkeypatch.setattr(uploads.zipfile.ZipFile, "open",
                        lambda self, name, *a, **k: opened.append(name) or original(
                            self, name, *a, **k))
    assert _refusal("bomb.xlsx", bomb) == "workbook"
    assert opened == []  # refused from the directory alone


# --- The virus scan --------------------------------------------------------------------------
@pytest.fixture
def fake_clamd(tmp_path):
    """A clamd on a Unix socket that speaks INSTREAM and finds the EICAR test string."""
    path = tmp_path / "clamd.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(4)
    received = []

    def serve():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                data = b""
                while not data.endswith(b"\0"):
                    data += conn.recv(1)
                assert data == b"zINSTREAM\0"
                body = b""
                while True:
                    size = struct.unpack(">L", _exactly(conn, 4))[0]
                    if not size:
                        break
                    body += _exactly(conn, size)
                received.append(body)
                found = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE" in body
                conn.sendall(b"stream: Eicar-Test-Signature FOUND\0" if found
                             else b"stream: OK\0")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"unix:{path}", received
    server.close()


def _exactly(conn, n):
    data = b""
    while len(data) < n:
        data += conn.recv(n - len(data))
    return data


def test_without_a_clamd_nothing_is_scanned():
    assert not clamd.configured()
    assert _inspect("ok.pdf", files.PDF) is uploads.PDF


def test_with_a_clamd_every_accepted_file_is_scanned_whole(fake_clamd):
    address, received = fake_clamd
    with override_settings(CLAMD_ADDRESS=address):
        assert _inspect("ok.pdf", files.PDF) is uploads.PDF
    assert received == [files.PDF]


def test_a_file_the_scan_flags_is_refused(fake_clamd):
    address, _received = fake_clamd
    with override_settings(CLAMD_ADDRESS=address):
        assert _refusal("infected.pdf", files.PDF + files.EICAR) == "virus"


def test_a_configured_clamd_that_cannot_be_reached_refuses_the_file(tmp_path):
    with override_settings(CLAMD_ADDRESS=f"unix:{tmp_path}/nobody-listens.sock",
                           CLAMD_TIMEOUT=1):
        assert _refusal("ok.pdf", files.PDF) == "scan_unavailable"
