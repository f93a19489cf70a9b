"""Configuration from the environment, and the database pool it sizes."""

import pytest

from api.settings import Settings, SettingsError
from models.config import tortoise_config


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

    assert config["connections"]["default"] == expected
