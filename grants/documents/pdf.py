"""HTML to PDF with WeasyPrint. WeasyPrint needs Pango (a system library): without it the app still
runs, print pages still work, and a PDF request gets a clear message (`available()` says why)."""
from __future__ import annotations

from pathlib import Path

try:  # Pango missing raises OSError at import; WeasyPrint missing, ImportError
    import weasyprint
    _MISSING: str | None = None
except (ImportError, OSError) as e:  # pragma: no cover - depends on the machine
    weasyprint = None
    _MISSING = f"{type(e).__name__}: {e}"

#: the fonts embedded in every PDF (Polish glyphs): Debian's fonts-dejavu-core
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = {
    ("normal", "normal"): "DejaVuSans.ttf",
    ("bold", "normal"): "DejaVuSans-Bold.ttf",
    ("normal", "italic"): "DejaVuSans-Oblique.ttf",
    ("bold", "italic"): "DejaVuSans-BoldOblique.ttf",
}
INSTALL_HINT = "apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"


class PdfUnavailable(RuntimeError):
    pass


def missing() -> str | None:
    """Why PDFs cannot be made on this machine, or None."""
    return _MISSING


def font_faces() -> str:
    """@font-face rules for the embedded fonts; a missing file falls back to the installed family."""
    rules = []
    for (weight, style), name in FONTS.items():
        path = FONT_DIR / name
        src = f'url("{path.as_uri()}"), local("DejaVu Sans")' if path.exists() else 'local("DejaVu Sans")'
        rules.append(f'@font-face {{ font-family: "Doc Sans"; font-weight: {weight}; font-style: {style}; src: {src}; }}')
    return "\n".join(rules)


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    """The PDF of `html` (PDF/A-3b, so an archive keeps it readable)."""
    if weasyprint is None:
        raise PdfUnavailable(_MISSING)
    return weasyprint.HTML(string=html, base_url=base_url or FONT_DIR.as_uri()).write_pdf(
        pdf_variant="pdf/a-3b", pdf_identifier=b"grants", uncompressed_pdf=False)


def html_to_pdf_steps(html: str, progress) -> tuple[bytes, int]:
    """As html_to_pdf, telling `progress(percent, step)` after layout and after writing; returns
    the PDF and its number of pages."""
    if weasyprint is None:
        raise PdfUnavailable(_MISSING)
    progress(30, "layout")
    document = weasyprint.HTML(string=html, base_url=FONT_DIR.as_uri()).render()
    progress(75, "write")
    data = document.write_pdf(pdf_variant="pdf/a-3b", pdf_identifier=b"grants")
    return data, len(document.pages)
