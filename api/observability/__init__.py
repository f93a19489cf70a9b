"""What the service tells its operator: metrics, structured logs, request records."""
