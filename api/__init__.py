"""HTTP and GraphQL: the Starlette app, the schema, resolvers, loaders and the CLI."""
