"""HTTP and WebSocket endpoints, middleware and the uvicorn server; no GraphQL noun."""
