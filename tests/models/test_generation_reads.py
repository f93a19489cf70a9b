"""Shared reads of the data generation: one statement per wave, never a stale one."""

import asyncio

import pytest
from tortoise.context import TortoiseContext

import models.data_generation as data_generation
from models.data_generation import GenerationReads, bump_generation
from tests.conftest import QueryCounter


class SlowReads:
    """A stand-in for the statement: each read returns the value current when it
    was sent, once the test lets it return."""

    def __init__(self) -> None:
        self.value = 1
        self.sent: list[int] = []
        self.release = asyncio.Event()

    async def __call__(self) -> int:
        seen = self.value
        self.sent.append(seen)
        await self.release.wait()
        return seen


async def settle() -> None:
    """Let every ready task run a few steps."""
    for _ in range(5):
        await asyncio.sleep(0)


async def sent(slow: SlowReads, count: int) -> None:
    """Let ready tasks run until `count` reads have been sent."""
    for _ in range(100):
        if len(slow.sent) >= count:
            return
        await asyncio.sleep(0)
    raise AssertionError(f"{len(slow.sent)} reads sent, not {count}")


@pytest.fixture
def slow(monkeypatch: pytest.MonkeyPatch) -> SlowReads:
    reads = SlowReads()
    monkeypatch.setattr(data_generation, "current_generation", reads)
    return reads


async def test_a_request_never_joins_a_read_sent_before_it_arrived(
    slow: SlowReads,
) -> None:
    reads = GenerationReads()
    early = asyncio.ensure_future(reads.read())
    await sent(slow, 1)  # the first read is on its way, seeing 1

    slow.value = 2  # a write commits; a client that saw it now reads
    late = asyncio.ensure_future(reads.read())
    also_late = asyncio.ensure_future(reads.read())
    await settle()
    assert slow.sent == [1]  # they wait for the next read, not this one
    slow.release.set()

    assert await early == 1
    assert (await late, await also_late) == (2, 2)
    assert slow.sent == [1, 2]  # the two late requests shared one read


async def test_a_quiet_process_reads_at_once_each_time(slow: SlowReads) -> None:
    slow.release.set()
    reads = GenerationReads()

    first = await reads.read()
    slow.value = 5
    second = await reads.read()

    assert (first, second) == (1, 5)
    assert slow.sent == [1, 5]


async def test_a_failed_read_fails_its_waiters_and_the_next_read_works(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = 0

    async def flaky() -> int:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0)
        if calls == 1:
            raise ConnectionError("reset")
        return 7

    monkeypatch.setattr(data_generation, "current_generation", flaky)
    reads = GenerationReads()

    with pytest.raises(ConnectionError):
        await reads.read()
    assert await reads.read() == 7


async def test_a_cancelled_request_does_not_cancel_the_shared_read(
    slow: SlowReads,
) -> None:
    reads = GenerationReads()
    first = asyncio.ensure_future(reads.read())
    second = asyncio.ensure_future(reads.read())
    third = asyncio.ensure_future(reads.read())
    await settle()
    second.cancel()
    slow.release.set()

    assert await first == 1
    assert await third == 1
    assert second.cancelled()


async def test_a_wave_of_requests_costs_two_statements_at_most(
    empty_db: TortoiseContext, sql_queries: QueryCounter
) -> None:
    await bump_generation()
    reads = GenerationReads()
    before = sql_queries.count

    values = await asyncio.gather(*(reads.read() for _ in range(50)))

    assert set(values) == {1}
    assert sql_queries.count - before <= 2
