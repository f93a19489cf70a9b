"""Issues: the tracked questions, their filters, orderings and queries."""
