"""R-RODO: the privacy notice, the export of one's data, deletion requests and retention."""
