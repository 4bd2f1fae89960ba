"""Budget domain logic (Flask-free): cost estimates and sources of financing, tranches, reports'
finances, settlement, interest. Pure functions over plain values where possible."""
