"""The digest as an email, and an SMTP sender for the outbox.

The message is multipart/alternative: text/plain, then multipart/related (text/html + the chart PNG
referenced as cid:), so every client shows either the text or the HTML with its inline chart. Both
text parts are quoted-printable, safe over any SMTP server (no 8BITMIME needed).

Credentials are looked up at send time, never stored: the outbox keeps the MIME (which holds no
secret) and the password comes from the environment variable named by `password_env`, or from a
prefect-email EmailServerCredentials block through a `credentials_provider` the flow supplies (this
package does not import Prefect). Neither is logged or put into an error message.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import smtplib
import ssl
from collections.abc import Callable, Mapping, Sequence
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from agglowatch.config import DigestSettings, EmailSettings
from agglowatch.errors import DeliveryError
from digest.html import render_html
from digest.render import render_text
from reports.labels import Labels
from storage.outbox import SenderFn

CredentialsProvider = Callable[[str], tuple[str | None, str | None]]


def digest_subject(payload: Mapping[str, Any]) -> str:
    """ "<title> — <n> new (<from> – <to>)", dates as YYYY-MM-DD (UTC)."""
    window = payload.get("window") or {}
    count = (payload.get("stats") or {}).get("documents", 0)
    start, end = _day(window.get("from")), _day(window.get("to"))
    return f"{payload.get('title') or 'Digest'} — {count} new ({start} – {end})"


def build_email(
    payload: Mapping[str, Any],
    labels: Labels,
    settings: DigestSettings,
    chart_png: bytes | None = None,
) -> EmailMessage:
    """The digest email, ready for the outbox; raises DeliveryError when email is not configured."""
    email = settings.email
    if email is None:
        raise DeliveryError("digest.email is not configured")
    domain = _domain(email.sender)
    message = EmailMessage()
    message["Subject"] = digest_subject(payload)
    message["From"] = email.sender
    message["To"] = ", ".join(email.to)
    message["Date"] = format_datetime(_time(payload.get("generated")))
    message["Message-ID"] = make_msgid(domain=domain)  # short: a folded Message-ID confuses some
    message["X-Agglowatch-Digest"] = str(payload.get("id") or "")
    message.set_content(render_text(payload, labels), cte="quoted-printable")
    cid = make_msgid(idstring="chart", domain=domain)
    chart_src = f"cid:{cid[1:-1]}" if chart_png else None
    message.add_alternative(
        render_html(payload, labels, chart_src=chart_src), subtype="html", cte="quoted-printable"
    )
    html_part = message.get_body(preferencelist=("html",))
    if chart_png and html_part is not None:
        html_part.add_related(
            chart_png, "image", "png", cid=cid, filename="chart.png", disposition="inline"
        )
    return message


def resolve_credentials(
    settings: EmailSettings, provider: CredentialsProvider | None = None
) -> tuple[str | None, str | None]:
    """(username, password): the block's values win over `username` / `password_env`."""
    username, password = settings.username, None
    if settings.password_env:
        password = os.environ.get(settings.password_env)
        if password is None:
            raise DeliveryError(
                f"the environment variable {settings.password_env} (digest.email.password_env) "
                "is not set"
            )
    if settings.credentials_block:
        if provider is None:
            raise DeliveryError(
                f"digest.email.credentials_block {settings.credentials_block!r} can only be read "
                "inside a Prefect flow; run the digest flow or use password_env"
            )
        try:
            block_user, block_password = provider(settings.credentials_block)
        except Exception as exc:  # the provider is flow code (a block load): any failure is ours
            raise DeliveryError(
                f"cannot load the email credentials block {settings.credentials_block!r}: "
                f"{type(exc).__name__}"
            ) from None
        username, password = block_user or username, block_password or password
    return username, password


def smtp_sender(
    settings: EmailSettings,
    credentials_provider: CredentialsProvider | None = None,
    *,
    ssl_context: ssl.SSLContext | None = None,
) -> SenderFn:
    """A SenderFn over SMTP (starttls | ssl | none) with `settings.timeout` per network step.

    `ssl_context` defaults to the system's trust store with hostname checks; tests pass one that
    trusts their own certificate.
    """

    def send(message: bytes, sender: str, recipients: Sequence[str]) -> Mapping[str, str]:
        username, password = resolve_credentials(settings, credentials_provider)
        if not settings.host:
            raise DeliveryError(
                "digest.email.host is not set: name the SMTP server to send through"
            )
        where = f"{settings.host}:{settings.port}"
        try:
            smtp = _connect(settings, settings.host, ssl_context or ssl.create_default_context())
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(
                f"cannot connect to the SMTP server {where}: {_reason(exc)}"
            ) from None
        try:
            if username and password:
                _login(smtp, username, password, settings, where)
            refused = smtp.sendmail(sender, list(recipients), message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(
                f"{where} refused every recipient: {_refusals(exc.recipients)}"
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"sending through {where} failed: {_reason(exc)}") from None
        finally:
            _close(smtp)
        return {address: _response(code, text) for address, (code, text) in refused.items()}

    return send


def _login(
    smtp: smtplib.SMTP, username: str, password: str, settings: EmailSettings, where: str
) -> None:
    """Log in; a refused login names the settings to fix (not just "535 ...")."""
    try:
        smtp.login(username, password)
    except smtplib.SMTPAuthenticationError as exc:
        source = (
            f"the credentials block {settings.credentials_block!r}"
            if settings.credentials_block
            else f"the environment variable {settings.password_env} (digest.email.password_env)"
        )
        raise DeliveryError(
            f"the SMTP server {where} refused the login of {username!r}"
            f" ({_reason(exc)}): check digest.email.username and the password in {source}"
        ) from None


def _connect(settings: EmailSettings, host: str, context: ssl.SSLContext) -> smtplib.SMTP:
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(host, settings.port, timeout=settings.timeout, context=context)
    smtp = smtplib.SMTP(host, settings.port, timeout=settings.timeout)
    if settings.security == "starttls":
        try:
            smtp.ehlo()
            smtp.starttls(context=context)
            smtp.ehlo()
        except BaseException:
            _close(smtp)
            raise
    return smtp


def _close(smtp: smtplib.SMTP) -> None:
    """QUIT politely; a failure here must not turn an accepted message into a failed one."""
    with contextlib.suppress(smtplib.SMTPException, OSError):
        smtp.quit()
    with contextlib.suppress(OSError):
        smtp.close()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return _response(exc.smtp_code, exc.smtp_error)
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _response(code: int, text: bytes | str) -> str:
    message = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(message.split())}"


def _refusals(recipients: Mapping[str, tuple[int, bytes]]) -> str:
    return "; ".join(
        f"{addr} ({_response(code, text)})" for addr, (code, text) in recipients.items()
    )


def _domain(address: str) -> str:
    domain = address.rpartition("@")[2].strip(" >")
    return domain or "agglowatch.invalid"


def _time(value: Any) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return dt.datetime.now(dt.UTC)
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def _day(value: Any) -> str:
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return "?"
    return moment.date().isoformat()
