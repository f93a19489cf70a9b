"""What a request must pass: authentication, permissions, limits, safe text, cost,
the rate limit and the admission of expensive operations."""
