"""The workflow engine (base) and one declaration module per state machine."""
