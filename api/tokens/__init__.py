"""The viewer and API tokens: who the client is, and token management for admins."""
