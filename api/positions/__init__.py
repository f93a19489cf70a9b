"""Positions: what each side has said it wants on an issue."""
