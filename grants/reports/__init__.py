"""Partial and final reports (R-REP-FINAL, R-REP-CONTENT) with the cost-line shift check (R-AGR-SHIFT)."""
