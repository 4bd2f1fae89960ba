"""Partnerships with business (S10): organisations' partnership offers in a public catalogue,
business participants' interest, contacts exchanged only when both consent."""
