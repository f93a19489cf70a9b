"""The request's loaders let go of what they loaded once it is answered."""

from strawberry.dataloader import DefaultCache
from tortoise.context import TortoiseContext

from api.core.loaders import Loaders
from models.issue import Issue


async def test_released_loaders_hold_no_rows_and_still_load(
    seeded_db: TortoiseContext,
) -> None:
    # given loaders that loaded an issue
    loaders = Loaders()
    pk = (await Issue.get(slug="direct-flights")).pk
    assert (await loaders.issue_by_id.load(pk)) is not None

    # when they are released
    loaders.release()

    # then they hold neither answers nor a batch, and load again if asked
    assert isinstance(loaders.issue_by_id.cache_map, DefaultCache)
    assert loaders.issue_by_id.cache_map.cache_map == {}
    assert loaders.issue_by_id.batch is None
    again = await loaders.issue_by_id.load(pk)
    assert again is not None
    assert again.pk == pk


async def test_a_loader_is_made_when_first_asked_for_and_then_kept(
    seeded_db: TortoiseContext,
) -> None:
    loaders = Loaders()
    assert vars(loaders) == {}  # none made yet: an operation pays for what it uses

    first = loaders.issue_by_id
    assert loaders.issue_by_id is first  # one per request
    assert set(vars(loaders)) == {"issue_by_id"}
    assert Loaders().issue_by_id is not first  # never shared between requests

    loaders.release()  # releases what was made, and makes nothing
    assert set(vars(loaders)) == {"issue_by_id"}
