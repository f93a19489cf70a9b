"""Fixtures shared by the API tests."""

import pytest
from tortoise.context import TortoiseContext

from api.core.relay import global_id
from models.relationship import Relationship


@pytest.fixture
async def relationship_id(seeded_db: TortoiseContext) -> str:
    """The global id of the seeded India-China relationship."""
    relationship = await Relationship.get(slug="india-china")
    return global_id("Relationship", relationship.pk)
