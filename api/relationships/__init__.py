"""Relationships: the pairs of countries and the issues between them."""
