"""The root types (Query, Mutation), node lookup and the assembled schema."""
