"""HTTP and GraphQL over the domain, a package per concern (see the README)."""
