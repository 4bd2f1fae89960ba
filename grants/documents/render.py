"""One template per document, two outputs: the print page (HTML with the site's print stylesheet)
and the PDF (the same template with the PDF stylesheet: embedded fonts, running header with the
document's number and date, page numbers)."""
from __future__ import annotations

from contextlib import nullcontext

from flask import current_app, has_request_context, render_template

from .kinds import KINDS
from .pdf import font_faces, html_to_pdf


def _context():
    """Templates need a request (url_for, the language); a job has none: a neutral one then."""
    if has_request_context():
        return nullcontext()
    settings = current_app.config.get("GRANTS_SETTINGS")
    base = current_app.config.get("GRANTS_PUBLIC_URL") or getattr(settings, "public_url", "") or "http://localhost"
    return current_app.test_request_context("/", base_url=base)


def render_html(kind: str, ctx: dict, *, pdf: bool = False) -> str:
    with _context():
        return render_template(KINDS[kind].template, pdf=pdf, font_faces=font_faces() if pdf else "", **ctx)


def render_pdf(kind: str, ctx: dict) -> bytes:
    return html_to_pdf(render_html(kind, ctx, pdf=True))
