"""Official documents: PDFs rendered from the print pages' templates (WeasyPrint), documents issued
at a transition and kept unchanged (R-DOC-ISSUED), their public verification by SHA-256."""
