"""Agreements drafted from offers (R-AGR-FROM-OFFER) and their tranches (R-AGR-TRANCHES)."""
