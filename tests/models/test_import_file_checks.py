"""Every line of an export is checked before anything is written.

The checks need Tortoise's view of the tables (foreign-key columns), hence an
open database, which they do not touch.
"""

from pathlib import Path

import orjson
import pytest
from tortoise.context import TortoiseContext

from models.import_ import ImportFileError, check_file
from models.portable import KINDS, LINE_TYPE

HEADER = {
    "type": "export",
    "format": "bilateral-export",
    "version": 1,
    "relationship": None,
}
RELATIONSHIP = {
    "type": "relationship",
    "id": 1,
    "slug": "india-china",
    "name": "India-China",
    "countries": ["IN", "CN"],
    "created_at": "2025-01-01T00:00:00+00:00",
}
ISSUE = {
    "type": "issue",
    "id": 1,
    "slug": "direct-flights",
    "title": "Direct flights",
    "summary": "",
    "category": "CONNECTIVITY",
    "raised_by": "IN",
    "status": None,
    "version": 1,
    "created_at": "2025-01-01T00:00:00+00:00",
    "updated_at": "2025-01-01T00:00:00+00:00",
    "archived_at": None,
    "relationship_id": 1,
}


def write(path: Path, *lines: object) -> Path:
    path.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    return path


def test_a_well_formed_file_passes(tmp_path: Path, empty_db: TortoiseContext) -> None:
    path = write(
        tmp_path / "ok.ndjson", HEADER, RELATIONSHIP, ISSUE, {"type": "end", "rows": 2}
    )

    checked = check_file(path)

    assert checked.rows["relationship"] == 1
    assert checked.rows["issue"] == 1


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            [{"type": "end", "rows": 0}],
            "line 1: not a bilateral export (no export header)",
        ),
        (
            [{**HEADER, "version": 9}, {"type": "end", "rows": 0}],
            "line 1: export version 9; this reads 1",
        ),
        (
            [HEADER, {"type": "token", "id": 1}],
            "line 2: unknown kind 'token' (known: relationship, issue, status_update, "
            "meeting, meeting_issue, position, feed_entry)",
        ),
        (
            [HEADER, {**RELATIONSHIP, "id": "1"}],
            "line 2: relationship: `id` must be an integer",
        ),
        (
            [HEADER, {**RELATIONSHIP, "created_at": "2025-01-01T00:00:00"}],
            "line 2: relationship: `created_at` must be a moment with its offset "
            "(ISO 8601, e.g. 2025-01-27T09:30:00+00:00)",
        ),
        (
            [HEADER, RELATIONSHIP, {**ISSUE, "category": "SPORT"}],
            "line 3: issue: `category` must be one of BORDER, CONNECTIVITY, VISAS, "
            "TECHNOLOGY, PILGRIMAGE, WATER, TRADE, CULTURE, MEDIA",
        ),
        (
            [HEADER, RELATIONSHIP, {**ISSUE, "relationship_id": 2}],
            "line 3: issue: `relationship_id` 2 names no relationship above it in "
            "the file",
        ),
        ([HEADER, RELATIONSHIP, RELATIONSHIP], "line 3: relationship 1 appears twice"),
        (
            [HEADER, {k: v for k, v in RELATIONSHIP.items() if k != "slug"}],
            "line 2: relationship: missing columns: slug; unknown: none",
        ),
        (
            [HEADER, {**RELATIONSHIP, "secret": "x"}],
            "line 2: relationship: missing columns: none; unknown: secret",
        ),
        (
            [HEADER, RELATIONSHIP, ISSUE],
            "line 3: the file ends without its end line (cut short?)",
        ),
        (
            [HEADER, RELATIONSHIP, {"type": "end", "rows": 5}],
            "line 3: the end line counts 5 rows; found 1",
        ),
        (
            [HEADER, RELATIONSHIP, {"type": "end", "rows": 1}, ISSUE],
            "line 4: a line after the end line",
        ),
        (
            [HEADER, RELATIONSHIP, ISSUE, {**RELATIONSHIP, "id": 2}],
            "line 4: relationship lines must come before others",
        ),
    ],
)
def test_a_bad_line_is_named(
    tmp_path: Path, empty_db: TortoiseContext, lines: list[object], message: str
) -> None:
    path = write(tmp_path / "bad.ndjson", *lines)

    with pytest.raises(ImportFileError) as refused:
        check_file(path)

    assert str(refused.value) == message


def test_a_line_that_is_not_json_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.ndjson"
    path.write_bytes(orjson.dumps(HEADER) + b"\n{cut\n")

    with pytest.raises(ImportFileError, match=r"^line 2: not a JSON object$"):
        check_file(path)


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.ndjson"
    path.write_bytes(b"")

    with pytest.raises(ImportFileError, match=r"^line 1: the file is empty$"):
        check_file(path)


def test_no_table_has_a_column_named_like_the_line_type(
    empty_db: TortoiseContext,
) -> None:
    assert all(LINE_TYPE not in kind.columns for kind in KINDS)
