"""Configuration from the environment, and the database pool it sizes."""

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from tortoise.backends.base.config_generator import expand_db_url

from api.settings import Settings, SettingsError
from models.config import release_as_is, tortoise_config


def test_defaults_are_safe_for_one_process() -> None:
    settings = Settings.from_environment({})

    assert (
        settings.allowed_origins,
        settings.max_subscriptions,
        settings.connection_init_seconds,
        settings.event_poll_seconds,
        settings.pool_size,
    ) == ((), 20, 10.0, 5.0, 10)


def test_scale_out_settings_are_read() -> None:
    settings = Settings.from_environment(
        {
            "BILATERAL_ALLOWED_ORIGINS": " https://a.example ,,https://b.example",
            "BILATERAL_MAX_SUBSCRIPTIONS": "5",
            "BILATERAL_EVENT_POLL_SECONDS": "0.5",
            "BILATERAL_DB_POOL_SIZE": "40",
        }
    )

    assert settings.allowed_origins == ("https://a.example", "https://b.example")
    assert (settings.max_subscriptions, settings.event_poll_seconds) == (5, 0.5)
    assert settings.pool_size == 40


def test_a_bad_number_is_refused_by_name() -> None:
    with pytest.raises(SettingsError, match="BILATERAL_DB_POOL_SIZE must be"):
        Settings.from_environment({"BILATERAL_DB_POOL_SIZE": "0"})


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u@h:5432/db", "postgres://u@h:5432/db?minsize=1&maxsize=40"),
        (
            "postgresql://u@h/db?ssl=true",
            "postgres://u@h/db?ssl=true&minsize=1&maxsize=40",
        ),
        ("postgres://u@h/db?maxsize=3", "postgres://u@h/db?maxsize=3"),
        ("sqlite://bilateral.sqlite3", "sqlite://bilateral.sqlite3"),
    ],
)
def test_the_pool_size_applies_to_postgresql_only(url: str, expected: str) -> None:
    config = tortoise_config(url, pool_size=40)

    connection = config["connections"]["default"]
    if expected.startswith("sqlite"):
        assert connection == expected
    else:
        # PostgreSQL connections go back to the pool without asyncpg's reset query
        wanted = expand_db_url(expected)
        wanted["credentials"]["reset"] = release_as_is
        assert connection == wanted


BOOLEAN_SETTINGS = [
    ("BILATERAL_GRAPHIQL", "graphiql"),
    ("BILATERAL_PUBLIC_READ", "public_read"),
    ("BILATERAL_INTROSPECTION", "introspection"),
]


@pytest.mark.parametrize(("name", "attribute"), BOOLEAN_SETTINGS)
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("true", True),
        (" TRUE ", True),
        ("1", True),
        ("yes", True),
        ("On", True),
        ("false", False),
        ("0", False),
        ("no", False),
        ("OFF", False),
    ],
)
def test_a_boolean_setting_reads_the_usual_words(
    name: str, attribute: str, raw: str, expected: bool
) -> None:
    settings = Settings.from_environment({name: raw})

    assert getattr(settings, attribute) is expected


@pytest.mark.parametrize(("name", "attribute"), BOOLEAN_SETTINGS)
def test_a_boolean_setting_left_empty_keeps_its_default(
    name: str, attribute: str
) -> None:
    assert getattr(Settings.from_environment({name: ""}), attribute) is True


@pytest.mark.parametrize(("name", "attribute"), BOOLEAN_SETTINGS)
@pytest.mark.parametrize("raw", ["maybe", "2", "enabled", "nope"])
def test_a_boolean_setting_not_understood_is_refused_by_name(
    name: str, attribute: str, raw: str
) -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_environment({name: raw})

    assert str(refused.value) == (
        f"{name} must be true or false (also 1/0, yes/no, on/off); got {raw!r}."
    )


@pytest.mark.parametrize("level", ["debug", "INFO", "Warning", "ERROR", "critical"])
def test_the_log_level_is_one_of_the_standard_names(level: str) -> None:
    settings = Settings.from_environment({"BILATERAL_LOG_LEVEL": level})

    assert settings.log_level == level.upper()


@pytest.mark.parametrize(
    "url", ["garbage", "mysql://u@h/db", "sqlite://", "http://example.org/db"]
)
def test_a_database_url_of_another_kind_is_refused(url: str) -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_environment({"DATABASE_URL": url})

    assert str(refused.value).startswith(
        "DATABASE_URL must be sqlite://PATH or postgres://USER@HOST:PORT/NAME; got "
    )


def test_a_refused_database_url_hides_its_password() -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_environment({"DATABASE_URL": "mysql://app:s3cret@db/app"})

    assert "s3cret" not in str(refused.value)


@pytest.mark.parametrize(
    ("name", "value"),
    [("BILATERAL_HEADER_TIMEOUT_SECONDS", "0"), ("BILATERAL_MAX_CONNECTIONS", "x")],
)
def test_slow_client_settings_must_be_positive(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_environment({name: value})

    assert str(refused.value) == f"{name} must be a positive number; got {value!r}."


LISTED = "{ viewer { role } }"
LISTED_HASH = hashlib.sha256(LISTED.encode()).hexdigest()


def _manifest(tmp_path: Path, content: Any) -> dict[str, str]:
    """The environment naming a manifest file holding `content` (JSON unless text)."""
    path = tmp_path / "trusted.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return {"BILATERAL_TRUSTED_DOCUMENTS": str(path)}


@pytest.mark.parametrize(
    "content",
    [
        {LISTED_HASH: LISTED},
        {LISTED_HASH.upper(): LISTED},
        [{"id": LISTED_HASH, "body": LISTED}],
        [{"hash": LISTED_HASH, "query": LISTED}],
        {
            "format": "apollo-persisted-query-manifest",
            "version": 1,
            "operations": [{"id": LISTED_HASH, "name": "V", "body": LISTED}],
        },
    ],
)
def test_a_trusted_manifest_is_read_in_its_common_forms(
    tmp_path: Path, content: Any
) -> None:
    settings = Settings.from_environment(_manifest(tmp_path, content))

    assert settings.trusted_documents == {LISTED_HASH: LISTED}


def test_without_a_manifest_any_document_may_run() -> None:
    assert Settings.from_environment({}).trusted_documents is None


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            "{not json",
            "is not valid JSON (Expecting property name enclosed in double "
            "quotes: line 1 column 2 (char 1))",
        ),
        ({}, "lists no document"),
        (
            "[1]",
            'must map SHA-256 hashes to documents ({"<sha256>": "<document>"}) '
            'or list {"id": "<sha256>", "body": "<document>"} objects',
        ),
        ({"abc": LISTED}, "has a key that is not a SHA-256 (64 hex digits): 'abc'"),
        ({LISTED_HASH: 1}, f"has an entry {LISTED_HASH!r} whose document is not text"),
        (
            {LISTED_HASH: LISTED + " "},
            f"has an entry {LISTED_HASH!r} that is not the SHA-256 of its document "
            f"(that is {hashlib.sha256((LISTED + ' ').encode()).hexdigest()!r})",
        ),
    ],
)
def test_a_bad_manifest_is_refused_in_one_line(
    tmp_path: Path, content: Any, reason: str
) -> None:
    env = _manifest(tmp_path, content)

    with pytest.raises(SettingsError) as refused:
        Settings.from_environment(env)

    path = env["BILATERAL_TRUSTED_DOCUMENTS"]
    assert str(refused.value) == (
        f"BILATERAL_TRUSTED_DOCUMENTS: the manifest {path!r} {reason}."
    )


def test_a_manifest_that_cannot_be_read_is_refused_by_name(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.json")

    with pytest.raises(SettingsError) as refused:
        Settings.from_environment({"BILATERAL_TRUSTED_DOCUMENTS": missing})

    assert str(refused.value) == (
        "BILATERAL_TRUSTED_DOCUMENTS must name a JSON manifest of trusted documents; "
        f"cannot read {missing!r}: No such file or directory."
    )
