"""Settlements: the calculation explained line by line, returns with statutory interest (budgets/)."""
