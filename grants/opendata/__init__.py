"""Open data (issue 18): awarded grants in the 360Giving standard, contests as OCDS contracting
processes, public downloads and a changes feed. Only published facts, never drafts or personal data
of natural persons (R-PUB-RESULTS). Flask-free except views.py."""
