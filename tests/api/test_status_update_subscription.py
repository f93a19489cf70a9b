"""The statusUpdates subscription over graphql-transport-ws, on a real server."""

import pytest
import websockets
from tortoise.context import TortoiseContext

from api.core.relay import global_id
from api.settings import Settings
from models.issue import Issue
from models.relationship import Relationship
from models.status_update import StatusUpdate
from models.tokens import revoke_token
from tests.api.feed import (
    SUBSCRIBE,
    Live,
    event_ids,
    post_update,
    retract_update,
    running,
)
from tests.api.graphql import JSON
from tests.conftest import Tokens
from tests.factories import make_issue
from tests.live import GraphQLSocket, eventually, graphql_socket

QUIET_SECONDS = 0.3


async def nothing_more(ws: GraphQLSocket) -> None:
    """Assert that no further message arrives for a while."""
    with pytest.raises(TimeoutError):
        await ws.receive(QUIET_SECONDS)


async def test_each_recorded_update_arrives_with_its_previous_status(
    seeded_db: TortoiseContext, seeded_url: str, tokens: Tokens
) -> None:
    async with running(seeded_url) as live, graphql_socket(live.base) as ws:
        # given a subscriber to every update
        await ws.subscribe("all", SUBSCRIBE)
        await live.subscribed()
        before = live.issue.status

        # when an editor posts two updates
        first = await post_update(live.http, tokens.editor, live.issue_id, "One.")
        first_event = await ws.data()
        second = await post_update(
            live.http, tokens.editor, live.issue_id, "Two.", status="RESOLVED"
        )

        # then both arrive, in order, as the StatusUpdate with its previous status
        assert first_event == {
            "statusUpdates": {
                "id": first,
                "status": "IN_PROGRESS",
                "previousStatus": before,
                "note": "One.",
                "recordedBy": "editor",
                "retractedAt": None,
                "issue": {
                    "slug": "border-peace-normalisation",
                    "status": "IN_PROGRESS",
                },
            }
        }
        assert (await ws.data())["statusUpdates"] == {
            "id": second,
            "status": "RESOLVED",
            "previousStatus": "IN_PROGRESS",
            "note": "Two.",
            "recordedBy": "editor",
            "retractedAt": None,
            "issue": {"slug": "border-peace-normalisation", "status": "RESOLVED"},
        }
        await nothing_more(ws)


async def test_a_retraction_arrives_as_the_update_with_retracted_at_set(
    seeded_db: TortoiseContext, seeded_url: str, tokens: Tokens
) -> None:
    async with running(seeded_url) as live, graphql_socket(live.base) as ws:
        # given a subscriber, and an update it has received
        await ws.subscribe("all", SUBSCRIBE)
        await live.subscribed()
        posted = await post_update(live.http, tokens.editor, live.issue_id, "One.")
        await ws.data()

        # when the update is retracted
        retracted_at = await retract_update(live.http, tokens.editor, posted)

        # then the update arrives again, retracted, and the issue's status restored
        event = (await ws.data())["statusUpdates"]
        assert (event["id"], event["retractedAt"]) == (posted, retracted_at)
        assert event["issue"]["status"] == live.issue.status
        await nothing_more(ws)


async def test_after_replays_what_was_missed_then_goes_live(
    seeded_db: TortoiseContext, seeded_url: str, tokens: Tokens
) -> None:
    async with running(seeded_url) as live:
        # given a client that saw update A, then missed B, C and C's retraction
        seen = await post_update(live.http, tokens.editor, live.issue_id, "A.")
        missed = [
            await post_update(live.http, tokens.editor, live.issue_id, note)
            for note in ("B.", "C.")
        ]
        await retract_update(live.http, tokens.editor, missed[1])

        async with graphql_socket(live.base) as ws:
            # when it resubscribes after A, and one more update is posted
            await ws.subscribe("resume", SUBSCRIBE, {"after": seen})
            replayed = [await ws.data() for _ in range(3)]
            live_id = await post_update(live.http, tokens.editor, live.issue_id, "D.")

            # then it gets B, C, C retracted, then D, and nothing else
            assert event_ids(replayed) == [*missed, missed[1]]
            assert [e["statusUpdates"]["retractedAt"] is None for e in replayed] == [
                True,
                False,
                False,
            ]
            assert event_ids([await ws.data()]) == [live_id]
            await nothing_more(ws)


async def test_after_a_seeded_update_replays_the_later_seeds(
    seeded_db: TortoiseContext, seeded_url: str
) -> None:
    # given the last two seeded updates
    last_two = await StatusUpdate.all().order_by("-id").limit(2)
    async with running(seeded_url) as live, graphql_socket(live.base) as ws:
        # when a client resumes after the second-to-last
        await ws.subscribe("resume", SUBSCRIBE, {"after": id_of(last_two[1])})

        # then it gets the last one only
        assert event_ids([await ws.data()]) == [id_of(last_two[0])]
        await nothing_more(ws)


NEWEST = """
query Newest($by: StatusUpdateOrderField!) {
  statusUpdates(first: 1, orderBy: {field: $by}, filter: {includeRetracted: true}) {
    nodes { id }
  }
}
"""


async def newest_by(live: Live, field: str) -> str:
    response = await live.http.post(
        "/graphql", json={"query": NEWEST, "variables": {"by": field}}
    )
    (node,) = response.json()["data"]["statusUpdates"]["nodes"]
    newest: str = node["id"]
    return newest


async def test_after_the_newest_recorded_update_only_later_changes_replay(
    seeded_db: TortoiseContext, seeded_url: str, tokens: Tokens
) -> None:
    async with running(seeded_url) as live:
        # given a back-filled update, then a retracted one: the newest recorded
        # update is neither the newest by day nor live, and its retraction came
        # after it was recorded
        await post_update(
            live.http, tokens.editor, live.issue_id, "Old.", occurredOn="2019-05"
        )
        retracted = await post_update(
            live.http, tokens.editor, live.issue_id, "Gone.", occurredOn="2019-06"
        )
        await retract_update(live.http, tokens.editor, retracted)
        start = await newest_by(live, "RECORDED")
        assert start == retracted
        assert await newest_by(live, "OCCURRED_ON") != start

        async with graphql_socket(live.base) as ws:
            # when a client starts there, and one more update is posted
            await ws.subscribe("board", SUBSCRIBE, {"after": start})
            replayed = await ws.data()
            await nothing_more(ws)
            posted = await post_update(live.http, tokens.editor, live.issue_id, "New.")

            # then it gets the retraction (none of the seed), then that update
            assert event_ids([replayed]) == [retracted]
            assert replayed["statusUpdates"]["retractedAt"] is not None
            assert event_ids([await ws.data()]) == [posted]
            await nothing_more(ws)


async def test_an_issue_filter_passes_only_that_issues_updates(
    seeded_db: TortoiseContext, seeded_url: str, tokens: Tokens
) -> None:
    async with running(seeded_url) as live, graphql_socket(live.base) as ws:
        # given a subscriber to one issue
        other = await Issue.get(slug="lac-disengagement")
        await ws.subscribe("one", SUBSCRIBE, {"issue": live.issue_id})
        await live.subscribed()

        # when updates are posted to it and to another issue
        elsewhere = global_id("Issue", other.pk)
        await post_update(live.http, tokens.editor, elsewhere, "Elsewhere.")
        mine = await post_update(live.http, tokens.editor, live.issue_id, "Mine.")

        # then only its own arrives
        assert event_ids([await ws.data()]) == [mine]
        await nothing_more(ws)


async def test_a_relationship_filter_passes_only_that_relationships_updates(
    seeded_db: TortoiseContext, seeded_url: str, tokens: Tokens
) -> None:
    # given an issue in a second relationship
    nepal = await Relationship.create(
        slug="india-nepal", name="India-Nepal", countries=["IN", "NP"]
    )
    rivers = await make_issue(slug="rivers", relationship=nepal)
    async with running(seeded_url) as live, graphql_socket(live.base) as ws:
        await ws.subscribe("nepal", SUBSCRIBE, {"relationship": "india-nepal"})
        await live.subscribed()

        # when updates are posted in both relationships
        await post_update(live.http, tokens.editor, live.issue_id, "China.")
        nepal_update = await post_update(
            live.http, tokens.editor, global_id("Issue", rivers.pk), "Nepal."
        )

        # then only the second relationship's arrives
        assert event_ids([await ws.data()]) == [nepal_update]
        await nothing_more(ws)


def id_of(update: StatusUpdate) -> str:
    """The global id of a stored update."""
    return global_id("StatusUpdate", update.pk)


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"issue": "nope"}, "'nope' is not a valid id."),
        (
            {"issue": global_id("Meeting", 1)},
            f"`issue` must be the id of an Issue; '{global_id('Meeting', 1)}' is not.",
        ),
        (
            {"issue": global_id("Issue", 999)},
            f"No issue has the id '{global_id('Issue', 999)}'.",
        ),
        ({"relationship": "india-mars"}, "No relationship has the slug 'india-mars'."),
        (
            {"after": global_id("StatusUpdate", 9999)},
            f"No status update has the id '{global_id('StatusUpdate', 9999)}'.",
        ),
        (
            {"after": global_id("Issue", 1)},
            f"`after` must be the id of a StatusUpdate; '{global_id('Issue', 1)}' "
            "is not.",
        ),
    ],
)
async def test_bad_arguments_are_refused_with_an_error_message(
    seeded_db: TortoiseContext,
    seeded_url: str,
    variables: JSON,
    message: str,
) -> None:
    async with running(seeded_url) as live, graphql_socket(live.base) as ws:
        # when a subscription names something that is not there
        await ws.subscribe("bad", SUBSCRIBE, variables)

        # then the operation ends with one error, and the connection stays usable
        reply = await ws.receive()
        assert reply["type"] == "error"
        assert [(e["message"], e["extensions"]["code"]) for e in reply["payload"]] == [
            (message, "BAD_USER_INPUT")
        ]
        assert live.app.state.services.hub.subscribers == set()
        await ws.subscribe("good", SUBSCRIBE, {"after": id_of(await last_update())})
        await nothing_more(ws)


async def last_update() -> StatusUpdate:
    """The newest stored update."""
    found = await StatusUpdate.all().order_by("-id").first()
    assert found is not None
    return found


async def test_when_reads_need_a_token_it_comes_in_connection_init(
    seeded_db: TortoiseContext, seeded_url: str, tokens: Tokens
) -> None:
    async with running(seeded_url, public_read=False) as live:
        # when an anonymous client subscribes
        async with graphql_socket(live.base) as anonymous:
            await anonymous.subscribe("1", SUBSCRIBE)
            refused = await anonymous.receive()

        # and a reader sends its token in connection_init
        auth = {"authorization": f"Bearer {tokens.reader}"}
        async with graphql_socket(live.base, payload=auth) as reader:
            await reader.subscribe("1", SUBSCRIBE)
            await live.subscribed()
            posted = await post_update(live.http, tokens.editor, live.issue_id, "x")
            received = await reader.data()

    # then the anonymous one is refused, the reader served
    assert refused["type"] == "error"
    assert [e["extensions"]["code"] for e in refused["payload"]] == ["UNAUTHENTICATED"]
    assert event_ids([received]) == [posted]


@pytest.mark.parametrize(
    "credentials",
    ["Bearer bil_" + "x" * 43, "Basic abc", 42, ""],
    ids=["unknown", "other-scheme", "not-a-string", "empty"],
)
async def test_a_bad_token_in_connection_init_closes_with_4403(
    seeded_db: TortoiseContext, seeded_url: str, credentials: object
) -> None:
    async with (
        running(seeded_url) as live,
        graphql_socket(live.base, initialise=False) as ws,
    ):
        # when the token in connection_init is not an active one
        payload = {"authorization": credentials}
        await ws.send({"type": "connection_init", "payload": payload})

        # then the server closes the connection as Forbidden
        assert await ws.close_code() == 4403


async def test_a_revoked_token_in_the_handshake_header_is_refused(
    seeded_db: TortoiseContext, seeded_url: str
) -> None:
    async with running(seeded_url) as live:
        # when the handshake carries a header token that is not active
        headers = {"Authorization": "Bearer bil_" + "y" * 43}
        with pytest.raises(websockets.InvalidStatus) as refused:
            await graphql_socket(live.base, headers=headers).__aenter__()

    # then the handshake is refused before the connection is accepted
    assert refused.value.response.status_code == 403


async def test_connection_init_must_arrive_in_time(
    seeded_db: TortoiseContext, seeded_url: str
) -> None:
    async with (
        running(seeded_url, connection_init_seconds=0.2) as live,
        graphql_socket(live.base, initialise=False) as ws,
    ):
        # when a client opens a connection and says nothing
        # then the server closes it once the wait is over
        assert await ws.close_code(seconds=5) == 4408


def test_connection_init_is_awaited_ten_seconds_by_default() -> None:
    assert Settings.from_environment({}).connection_init_seconds == 10.0


async def test_a_connection_holds_a_limited_number_of_subscriptions(
    seeded_db: TortoiseContext, seeded_url: str
) -> None:
    after = {"after": id_of(await last_update())}
    async with (
        running(seeded_url, max_subscriptions=2) as live,
        graphql_socket(live.base) as ws,
    ):
        # given a connection at its limit of two subscriptions
        await ws.subscribe("1", SUBSCRIBE, after)
        await ws.subscribe("2", SUBSCRIBE, after)
        await live.subscribed(2)

        # when it asks for a third, then completes one and asks again
        await ws.subscribe("3", SUBSCRIBE, after)
        refused = await ws.receive()
        await ws.send({"id": "1", "type": "complete"})
        await eventually(lambda: len(live.app.state.services.hub.subscribers) == 1)
        await ws.subscribe("4", SUBSCRIBE, after)
        await live.subscribed(2)

    # then the third is refused and the fourth accepted
    assert refused == {
        "id": "3",
        "type": "error",
        "payload": [{"message": "Subscription limit reached"}],
    }


@pytest.mark.parametrize(
    ("allowed", "origin", "accepted"),
    [
        ((), "https://board.example", False),
        (("https://board.example",), "https://board.example", True),
        (("https://board.example",), "https://evil.example", False),
        ((), None, True),
    ],
    ids=["unlisted", "listed", "other", "no-origin"],
)
async def test_browser_origins_must_be_allowed(
    seeded_db: TortoiseContext,
    seeded_url: str,
    allowed: tuple[str, ...],
    origin: str | None,
    accepted: bool,
) -> None:
    async with running(seeded_url, allowed_origins=allowed) as live:
        # when a page on `origin` opens a connection
        status = await handshake_status(live.base, origin)

    # then only listed origins (and non-browser clients) get in
    assert status == (101 if accepted else 403)


async def handshake_status(base: str, origin: str | None) -> int:
    """The HTTP status the WebSocket handshake got (101 when it was accepted)."""
    try:
        async with graphql_socket(base, origin=origin):
            return 101
    except websockets.InvalidStatus as refused:
        return refused.response.status_code


async def test_only_graphql_transport_ws_is_spoken(
    seeded_db: TortoiseContext, seeded_url: str
) -> None:
    async with (
        running(seeded_url) as live,
        graphql_socket(live.base, initialise=False, subprotocol="graphql-ws") as ws,
    ):
        # when a client asks for the legacy subscriptions-transport-ws protocol
        # then the connection is closed as not acceptable
        assert await ws.close_code() == 4406


def test_allowed_origins_come_from_the_environment() -> None:
    environ = {"BILATERAL_ALLOWED_ORIGINS": "https://a.example, https://b.example"}
    settings = Settings.from_environment(environ)
    assert settings.allowed_origins == ("https://a.example", "https://b.example")


async def test_a_revoked_token_ends_its_subscriptions(
    seeded_db: TortoiseContext, seeded_url: str, tokens: Tokens
) -> None:
    async with running(seeded_url, public_read=False, token_check_seconds=0.05) as live:
        auth = {"authorization": f"Bearer {tokens.reader}"}
        async with graphql_socket(live.base, payload=auth) as ws:
            # given a reader's subscription that has received one update
            await ws.subscribe("1", SUBSCRIBE)
            await live.subscribed()
            before = await post_update(live.http, tokens.editor, live.issue_id, "a")
            assert event_ids([await ws.data()]) == [before]

            # when the reader's token is revoked where this server cannot hear it
            # (no announcement), and its periodic check sees it
            await revoke_token("reader")
            ended = await ws.receive()
            completed = await ws.receive()

    # then the subscription ends, unauthenticated
    assert ended == {
        "id": "1",
        "type": "next",
        "payload": {
            "data": None,
            "errors": [
                {
                    "message": "The token 'reader' has been revoked; this "
                    "subscription ends.",
                    "extensions": {"code": "UNAUTHENTICATED"},
                }
            ],
        },
    }
    assert completed == {"id": "1", "type": "complete"}
