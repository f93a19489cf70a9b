"""Seed data for the tracker and the loader that puts it into a database."""
