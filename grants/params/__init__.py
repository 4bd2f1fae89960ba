"""Dated parameters (DOMAIN.md: "configurable" values): the law changes, old cases keep the values
that applied when they ran. Defaults live in code; an admin adds dated rows that override them."""
