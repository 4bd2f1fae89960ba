"""Own-initiative offers, art. 12 UDPP (S8): confidential until the decision."""
