"""Checks of an uploaded file, before anything is stored: size, type by content (not by the name
the browser sent), a safe display name. Plain functions, no Flask."""
from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from io import BytesIO

import filetype

from grants.core.i18n import _

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

#: what may be attached: PDF, PNG, JPEG, ODT, DOCX (detected from the bytes)
ALLOWED = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
ALLOWED_LABEL = "PDF, PNG, JPEG, ODT, DOCX"


class FileRefused(ValueError):
    pass


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    filename: str
    content_type: str


def _zip_kind(data: bytes) -> str | None:
    """ODT and DOCX are ZIP files: tell them apart by what is inside."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            names = set(z.namelist())
            if "mimetype" in names and z.read("mimetype").strip() == b"application/vnd.oasis.opendocument.text":
                return "application/vnd.oasis.opendocument.text"
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return None


def sniff(data: bytes) -> str | None:
    """The MIME type the bytes are, among the allowed ones; None for anything else."""
    if data[:5] == b"%PDF-":
        return "application/pdf"
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind else None
    if mime in ("image/png", "image/jpeg"):
        return mime
    if data[:4] == b"PK\x03\x04":
        return _zip_kind(data)
    return None


def safe_name(name: str, content_type: str) -> str:
    """The file's own name without any folder, control or odd characters, at most 120 characters,
    with the extension of what the file really is."""
    name = (name or "").replace("\\", "/").split("/")[-1]
    name = unicodedata.normalize("NFC", name)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = re.sub(r"[^\w\- ]+", "_", stem, flags=re.UNICODE).strip(" ._-")[:120] or "plik"
    return f"{stem}.{ALLOWED[content_type]}"


def check(data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> CheckedFile:
    if not data:
        raise FileRefused(_("Plik jest pusty."))
    if len(data) > max_bytes:
        raise FileRefused(_("Plik jest za duży: %(size)s MB, a dopuszczalne jest %(max)s MB.",
                            size=f"{len(data) / 1048576:.1f}".replace(".", ","), max=f"{max_bytes / 1048576:g}".replace(".", ",")))
    raw = (name or "").replace("\\", "/")
    if "/" in raw or raw.startswith(".") or "\x00" in raw or ".." in raw:
        raise FileRefused(_("Nazwa pliku nie może zawierać ścieżki (znaków / lub \\ ani „..”). Zmień nazwę pliku i prześlij go ponownie."))
    mime = sniff(data)
    if mime is None:
        raise FileRefused(_("Ten rodzaj pliku nie jest dopuszczony (sprawdzono zawartość, nie nazwę). Dopuszczalne: %(types)s.",
                            types=ALLOWED_LABEL))
    return CheckedFile(data=data, filename=safe_name(raw, mime), content_type=mime)
