"""Small grants outside the contest, art. 19a UDPP: limits, 7-day publication for comments, award."""
