"""The service's own web face: the status board at `/`, the GraphQL playground's
page and the built assets both load, and the Atom feeds under `/feeds/`.

The pages are built from `web/` (TypeScript, Vite) into `dist/`, which ships in
the Python package: serving them needs no Node, and no request leaves the server.
"""
