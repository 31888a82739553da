"""Bug hunt 6: SMTP logins that cannot work are named, at load or at send, with what to fix."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from agglowatch.config import load_config
from agglowatch.errors import ConfigError
from digest.email import smtp_sender
from digest.service import make_digest
from storage.db import transaction
from tests.test_config import write
from tests.test_digest_support import (
    PASSWORD,
    T0,
    Recorder,
    add_doc,
    free_port,
    make_store,
    smtp_server,
)
from tests.test_email_smtp import email_config, outbox


class Refusing(Recorder):
    """Answers a wrong login with 535, as real servers do (aiosmtpd's default is silence)."""

    def authenticator(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if isinstance(data, LoginPassword):
            self.logins.append((data.login.decode(), data.password.decode()))
            if (data.login.decode(), data.password.decode()) == ("monitor", PASSWORD):
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


def test_a_refused_login_names_the_username_and_the_password_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: "sending through 127.0.0.1:N failed: 535 5.7.8 ...", nothing said what to fix."""
    factory = make_store(f"sqlite:///{tmp_path / 'store.db'}")[1]
    with transaction(factory) as session:
        add_doc(session, "a", T0 - dt.timedelta(hours=1), title="城市群", themes=[])
    monkeypatch.setenv("QA6_SMTP_PASSWORD", "not-the-password")
    port = free_port()
    config = email_config(tmp_path, port, username="monitor", password_env="QA6_SMTP_PASSWORD")
    assert config.digest.email is not None
    handler = Refusing()
    with smtp_server(
        handler,
        port,
        auth_require_tls=False,
        auth_required=True,
        authenticator=handler.authenticator,
    ):
        sender = smtp_sender(config.digest.email)
        payload = make_digest(factory, config, since=None, send=True, now=T0, sender=sender)
    assert payload["delivered"]["email"] == "queued"
    (queued,) = outbox(factory)
    assert queued.last_error is not None and "535" in queued.last_error
    assert "refused the login of 'monitor'" in queued.last_error
    assert "digest.email.username" in queued.last_error
    assert "QA6_SMTP_PASSWORD (digest.email.password_env)" in queued.last_error
    assert "not-the-password" not in queued.last_error


EMAIL = """
digest:
  email:
    to: [analyst@example.org]
    sender: monitor@example.org
    host: smtp.example.org
"""


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("    username: monitor\n", "'username' is set but no password: set 'password_env'"),
        ("    password_env: SMTP_PW\n", "'password_env' is set but no 'username'"),
    ],
    ids=["username-only", "password-only"],
)
def test_half_a_login_is_a_configuration_error(tmp_path: Path, extra: str, message: str) -> None:
    """Before, no login was tried and every send was refused "530 Authentication required"."""
    with pytest.raises(ConfigError, match=r'field "digest.email"') as caught:
        load_config(write(tmp_path, EMAIL + extra))
    assert message in str(caught.value)


def test_a_whole_login_or_a_block_loads(tmp_path: Path) -> None:
    whole = load_config(write(tmp_path, EMAIL + "    username: u\n    password_env: SMTP_PW\n"))
    block = load_config(write(tmp_path, EMAIL + "    credentials_block: smtp\n"))
    assert whole.digest.email is not None and block.digest.email is not None


@pytest.mark.parametrize(
    ("lines", "field", "message"),
    [
        ("    to: [analyst]\n    sender: m@example.org\n", "to", "'analyst' is not an email"),
        ("    to: []\n    sender: m@example.org\n", "to", "no recipient"),
        ("    to: [a@example.org]\n    sender: monitor.example.org\n", "sender", "not an email"),
    ],
    ids=["no-at", "nobody", "sender"],
)
def test_a_malformed_address_is_a_configuration_error(
    tmp_path: Path, lines: str, field: str, message: str
) -> None:
    """Before, it loaded, and the server refused it at every send (each digest queued again)."""
    text = f"digest:\n  email:\n    host: smtp.example.org\n{lines}"
    with pytest.raises(ConfigError, match=rf'field "digest\.email\.{field}') as caught:
        load_config(write(tmp_path, text))
    assert message in str(caught.value)


def test_an_intranet_address_and_a_display_name_load(tmp_path: Path) -> None:
    text = "digest:\n  email:\n    host: mail\n    to: [team@localhost]\n    sender: M <m@mail>\n"
    email = load_config(write(tmp_path, text)).digest.email
    assert email is not None and email.to == ["team@localhost"] and email.sender == "M <m@mail>"
