"""The tracker's domain: tables, rules and operations (no HTTP, no GraphQL)."""
