"""Where papers come from: files (arXiv snapshot, BibTeX, RIS, CSV) and online sources."""
