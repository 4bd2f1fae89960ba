"""Verification of a signed submission confirmation (PAdES) with pyHanko: is the signature intact,
is the signed document the confirmation this system issued (its bytes are the signed revision's
start, or its embedded receipt number and offer hash match), who signed, whose certificate, when.
Trust in the certificate chain is checked only against anchors an administrator configured
(GRANTS_SIGNATURE_TRUST_ANCHORS, PEM files separated by ':'); otherwise it is "not checked"."""
from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO

from asn1crypto import pem, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from grants.core.i18n import _

from . import operations as doc_ops
from .storage import sha256

TRUST_LABELS = {"not_checked": _("nie sprawdzono (nie skonfigurowano zaufanych wystawców)"),
                "trusted": _("łańcuch certyfikatów zaufany"),
                "untrusted": _("łańcuch certyfikatów NIEZAUFANY")}


def without_a_running_loop(fn, *args, **kwargs):
    """pyHanko's synchronous calls run their own asyncio loop (asyncio.run), which Python refuses in
    a thread where a loop already runs (an async server, or a browser driver in the same process):
    there the call runs in a short-lived thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def trust_anchors() -> list:
    paths = [p for p in os.environ.get("GRANTS_SIGNATURE_TRUST_ANCHORS", "").split(":") if p.strip()]
    certs = []
    for path in paths:
        with open(path, "rb") as f:
            data = f.read()
        blobs = [der for _t, _h, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
        certs += [x509.Certificate.load(b) for b in blobs]
    return certs


def _keywords(reader) -> str:
    try:
        info = reader.trailer_view.get("/Info")
        return str(info.get("/Keywords", "")) if info is not None else ""
    except Exception:  # noqa: BLE001 - a PDF without a readable info dictionary
        return ""


def verify(pdf: bytes, issued: list, receipt: dict) -> dict:
    """The verification as a plain dict (stored with the attachment, shown to the officer).
    `issued`: the confirmations issued for the offer (IssuedDocument), `receipt`: the offer's."""
    out = {"signed": False, "intact": False, "matches": False, "match_by": None, "signer": None, "issuer": None,
           "signing_time": None, "trust": "not_checked", "reason": None, "document": None}
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        sigs = reader.embedded_signatures
    except Exception as e:  # noqa: BLE001 - whatever is wrong with the file, say so, never a 500
        out["reason"] = str(_("Pliku nie da się odczytać jako PDF: %(e)s", e=type(e).__name__))
        return out
    if not sigs:
        out["reason"] = str(_("Plik nie zawiera podpisu elektronicznego."))
        return out
    emb = sigs[0]
    out["signed"] = True
    anchors = trust_anchors()
    try:
        # no anchors: an empty trust list, never the operating system's (trust is then "not checked")
        status = without_a_running_loop(validate_pdf_signature, emb, ValidationContext(trust_roots=anchors))
    except Exception as e:  # noqa: BLE001
        out["reason"] = str(_("Podpisu nie da się zweryfikować: %(e)s", e=type(e).__name__))
        return out
    # intact: the digest and the signature hold, and nothing was appended to the file after signing
    out["intact"] = bool(status.intact and status.valid and status.coverage == SignatureCoverageLevel.ENTIRE_FILE)
    cert = status.signing_cert
    out["signer"] = cert.subject.human_friendly if cert is not None else None
    out["issuer"] = cert.issuer.human_friendly if cert is not None else None
    when = status.signer_reported_dt or getattr(status, "timestamp_validity", None) and status.timestamp_validity.timestamp
    out["signing_time"] = when.isoformat() if when else None
    if anchors:
        out["trust"] = "trusted" if status.trusted else "untrusted"
    if not out["intact"]:
        out["reason"] = str(_("Podpis jest naruszony: dokument zmieniono po podpisaniu."))
        return out
    # the signed file is the confirmation as issued, with the signature appended after it
    for doc in issued:
        if doc.size <= len(pdf) and sha256(pdf[: doc.size]) == doc.sha256:
            out.update(matches=True, match_by="hash", document=doc.number)
            break
    if not out["matches"] and receipt:
        kw = _keywords(emb.reader if hasattr(emb, "reader") else reader)
        if receipt.get("sha256") and receipt["sha256"] in kw and f"{receipt.get('number')}/" in kw:
            out.update(matches=True, match_by="receipt", document=receipt.get("number"))
    if not out["matches"]:
        out["reason"] = str(_("Podpisany dokument nie jest potwierdzeniem wystawionym dla tej oferty."))
    return out


def verify_confirmation(session, offer, pdf: bytes) -> dict:
    issued = [d for d in doc_ops.of_object(session, "offer", [offer.id]) if d.kind == "confirmation"]
    return verify(pdf, issued, offer.receipt or {})


def summary(result: dict | None) -> str:
    """One line for the officer's formal review."""
    if not result:
        return str(_("nie sprawdzono"))
    if not result.get("signed") or not result.get("intact") or not result.get("matches"):
        return str(_("UWAGA: %(r)s", r=result.get("reason") or _("podpis nieprawidłowy")))
    return str(_("podpis nienaruszony, dokument zgodny"))
