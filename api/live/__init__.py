"""The live machinery: the event bus between processes and the hub that feeds
subscribers."""
