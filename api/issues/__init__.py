"""Issues: the tracked questions, their filters and orderings, queries and the
mutations that create, edit and archive them."""
