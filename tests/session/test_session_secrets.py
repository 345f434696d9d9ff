"""Neither the application key nor any token leaks into logs, reprs or exception text."""

from __future__ import annotations

import base64
import logging
from typing import TYPE_CHECKING

import httpx
import pytest
from session_fakes import KEY, KEY_ID, b2_error, list_buckets

from b2async._config import RetryPolicy
from b2async._errors import B2Error, ExpiredAuthToken, UploadTokenUsedConcurrently
from b2async._retry import record_sleeps

if TYPE_CHECKING:
    from session_fakes import FakeB2, SessionFactory

pytestmark = pytest.mark.anyio


def _log_text(caplog: pytest.LogCaptureFixture) -> str:
    parts = [caplog.text]
    for record in caplog.records:
        parts.append(record.getMessage())
        parts.append(repr(record.args))
        if record.exc_text:
            parts.append(record.exc_text)
    return "\n".join(parts)


async def test_no_secret_in_logs_reprs_or_errors(
    make_session: SessionFactory, fake: FakeB2, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="b2async")
    session = make_session(retry=RetryPolicy(max_attempts=3))
    errors: list[B2Error] = []
    texts: list[str] = [repr(session), str(session)]

    with record_sleeps() as delays:
        # Lazy authorize + a plain call.
        await session.call(list_buckets)
        # Retries: 503 with Retry-After, then a dropped connection.
        fake.list_script += [
            b2_error(503, "service_unavailable", **{"Retry-After": "2"}),
            httpx.RemoteProtocolError("peer closed connection"),
        ]
        await session.call(list_buckets)
        # An expired token: re-authorize and replay.
        fake.expire_tokens()
        await session.call(list_buckets)
        # B2 echoing a token in a message (it does so for auth_token_limit).
        fake.list_script.append(
            b2_error(
                400, "auth_token_limit", f"more than one upload using auth token {fake.tokens[1]}"
            )
        )
        with pytest.raises(UploadTokenUsedConcurrently) as limit:
            await session.call(list_buckets)
        errors.append(limit.value)
        # Two invalid-token answers in a row: the second surfaces.
        fake.list_script += [b2_error(401, "expired_auth_token")] * 2
        with pytest.raises(ExpiredAuthToken) as expired:
            await session.call(list_buckets)
        errors.append(expired.value)
        # Retries exhausted on a transport error.
        fake.list_script += [httpx.ConnectError("connection refused")] * 3
        with pytest.raises(B2Error) as exhausted:
            await session.call(list_buckets)
        errors.append(exhausted.value)

    assert fake.authorize_calls == 3
    assert len(delays) == 4  # 503, drop, and two connect errors
    assert len(fake.tokens) == 3

    authorization = await session.authorization()
    context = await session.context()
    texts += [
        repr(session),
        repr(authorization),
        str(authorization),
        repr(authorization.model_dump()),
        repr(context),
        repr(session.http),
        repr(session.allowed),
    ]
    for error in errors:
        texts += [str(error), repr(error), repr(error.args), repr(error.__cause__)]
    log_text = _log_text(caplog)
    assert "re-authorizing" in log_text  # the workflow was actually logged
    assert "retrying" in log_text
    texts.append(log_text)

    secrets = [
        KEY,
        base64.b64encode(f"{KEY_ID}:{KEY}".encode()).decode(),
        *fake.tokens,
    ]
    everything = "\n".join(texts)
    for secret in secrets:
        assert secret not in everything
