"""Offers on the statutory template (R-OFF-SECTIONS): drafts, submission by the deadline with a
receipt, formal review with corrections, revisions."""
