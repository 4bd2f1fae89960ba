"""Commissions, impartiality declarations, score cards, ranking (domain logic, Flask-free)."""
