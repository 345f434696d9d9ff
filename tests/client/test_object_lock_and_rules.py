"""Object Lock (retention, legal hold) and event notification rules through Bucket."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

import pytest

from b2async._errors import AccessDenied, B2ValidationError, BucketMissingFileLock
from b2async._models import EventNotificationRule, NotificationTarget, Retention

from ._support import put_file, unique_bucket_name

if TYPE_CHECKING:
    from b2async._bucket import Bucket
    from b2async._client import B2Client

pytestmark = pytest.mark.anyio


async def test_legal_hold_blocks_deletion_until_released(client: B2Client) -> None:
    bucket = await client.create_bucket(unique_bucket_name("lock"), file_lock_enabled=True)
    version = await put_file(bucket, "held.txt", b"keep me")
    assert version.file_id is not None

    held = await bucket.update_file_legal_hold("held.txt", version.file_id, "on")
    assert (held.file_id, held.file_name, held.legal_hold) == (version.file_id, "held.txt", "on")
    with pytest.raises(AccessDenied):
        await bucket.delete_file_version("held.txt", version.file_id)

    released = await client.update_file_legal_hold("held.txt", version.file_id, "off")
    assert released.legal_hold == "off"
    deleted = await bucket.delete_file_version("held.txt", version.file_id)
    assert deleted.file_id == version.file_id


async def test_governance_retention_needs_bypass(client: B2Client) -> None:
    bucket = await client.create_bucket(unique_bucket_name("lock"), file_lock_enabled=True)
    version = await put_file(bucket, "kept.txt", b"kept")
    assert version.file_id is not None
    until = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=1)

    result = await bucket.update_file_retention(
        "kept.txt", version.file_id, Retention(mode="governance", retain_until=until)
    )
    assert result.file_retention.mode == "governance"
    assert result.file_retention.retain_until_timestamp == until
    with pytest.raises(AccessDenied):
        await bucket.delete_file_version("kept.txt", version.file_id)
    deleted = await bucket.delete_file_version("kept.txt", version.file_id, bypass_governance=True)
    assert deleted.file_name == "kept.txt"


async def test_object_lock_calls_on_a_plain_bucket(bucket: Bucket) -> None:
    version = await put_file(bucket, "plain.txt", b"plain")
    assert version.file_id is not None
    with pytest.raises(BucketMissingFileLock):
        await bucket.update_file_legal_hold("plain.txt", version.file_id, "on")
    with pytest.raises(B2ValidationError):
        await bucket.update_file_legal_hold("plain.txt", version.file_id, "maybe")  # type: ignore[arg-type]


async def test_notification_rules_round_trip(bucket: Bucket) -> None:
    assert await bucket.get_notification_rules() == []
    rule = EventNotificationRule(
        name="uploads",
        event_types=["b2:ObjectCreated:*"],
        object_name_prefix="incoming/",
        target_configuration=NotificationTarget(url="https://example.com/hook"),
    )
    stored = await bucket.set_notification_rules([rule])
    assert [(r.name, r.event_types, r.object_name_prefix) for r in stored] == [
        ("uploads", ["b2:ObjectCreated:*"], "incoming/")
    ]
    fetched = await bucket.get_notification_rules()
    assert [r.target_configuration.url for r in fetched] == ["https://example.com/hook"]
    assert await bucket.set_notification_rules([]) == []
    assert await bucket.get_notification_rules() == []
