"""Open contests: announcement (art. 13), parameters, publication, closing, formal review, cancellation."""
