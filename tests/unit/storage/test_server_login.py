"""Server URLs kept in settings and logs never carry a password."""

from warroom.storage.server_login import without_password


def test_without_password_removes_the_password() -> None:
    url = "postgresql+psycopg://bob:s3cret@warroom.lan:5432/room"
    assert without_password(url) == "postgresql+psycopg://bob@warroom.lan:5432/room"
    assert "s3cret" not in without_password(url)


def test_without_password_leaves_other_urls_alone() -> None:
    assert without_password("postgresql+psycopg://bob@h/db") == "postgresql+psycopg://bob@h/db"
