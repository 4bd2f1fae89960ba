"""Commissions over the areas they serve: composition rules (R-COM-NGO), the protocol, the operations
that change commissions, and their pages and API; the scoring and ranking they use live in reviewers/."""
