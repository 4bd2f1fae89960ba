"""The annual cooperation programme (art. 5a UDPP, R-PROG) and the public calendar (S6)."""
