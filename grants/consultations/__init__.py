"""Consultations: a published period, comments and proposals from every stakeholder type (S1),
a published report answering each (R-CONSULT)."""
