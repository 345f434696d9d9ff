"""Bucket event notification endpoints.

``b2_get_bucket_notification_rules`` is called with ``GET ?bucketId=`` (as b2sdk does, and as
B2 documents it); ``b2_set_bucket_notification_rules`` is a JSON POST.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from b2async._models import EventNotificationRule, NotificationRules
from b2async._raw._call import post

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from b2async._raw._context import ApiContext

__all__ = ["get_bucket_notification_rules", "set_bucket_notification_rules"]


async def get_bucket_notification_rules(ctx: ApiContext, *, bucket_id: str) -> NotificationRules:
    """``b2_get_bucket_notification_rules``: the bucket's rules, sorted by name."""
    body = await ctx.http.get_json(
        ctx.url("b2_get_bucket_notification_rules"),
        token=ctx.token,
        params={"bucketId": bucket_id},
    )
    return NotificationRules.model_validate_json(body)


def _rule_json(rule: EventNotificationRule | Mapping[str, Any]) -> dict[str, Any]:
    # The model's to_json drops the output-only isSuspended/suspensionReason members and
    # reveals the signing secret, which the request must carry.
    if isinstance(rule, EventNotificationRule):
        return rule.to_json()
    return dict(rule)


async def set_bucket_notification_rules(
    ctx: ApiContext,
    *,
    bucket_id: str,
    event_notification_rules: Sequence[EventNotificationRule | Mapping[str, Any]],
) -> NotificationRules:
    """``b2_set_bucket_notification_rules``: replace all of the bucket's rules (an empty list
    removes them)."""
    body = await post(
        ctx,
        "b2_set_bucket_notification_rules",
        {
            "bucketId": bucket_id,
            "eventNotificationRules": [_rule_json(rule) for rule in event_notification_rules],
        },
    )
    return NotificationRules.model_validate_json(body)
