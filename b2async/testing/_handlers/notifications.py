"""Bucket event-notification rules (spec 4.8)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from b2async.testing._wire import bad_request

if TYPE_CHECKING:
    from b2async.testing._call import Call

_EVENT_TYPES = frozenset(
    {
        "b2:ObjectCreated:*", "b2:ObjectCreated:Upload", "b2:ObjectCreated:MultipartUpload",
        "b2:ObjectCreated:Copy", "b2:ObjectCreated:Replica", "b2:ObjectCreated:MultipartReplica",
        "b2:ObjectDeleted:*", "b2:ObjectDeleted:Delete", "b2:ObjectDeleted:LifecycleRule",
        "b2:HideMarkerCreated:*", "b2:HideMarkerCreated:Hide",
        "b2:HideMarkerCreated:LifecycleRule",
    }
)  # fmt: skip
_RULE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,63}$")


def _category(event_type: str) -> str:
    return event_type.rsplit(":", 1)[0]


def _overlaps(a: str, b: str) -> bool:
    if a == b:
        return True
    if a.endswith(":*") or b.endswith(":*"):
        return _category(a) == _category(b)
    return False


def _check_rule(rule: Any) -> dict[str, Any]:
    if not isinstance(rule, dict):
        raise bad_request("event notification rule must be an object")
    name = rule.get("name")
    if not isinstance(name, str) or not _RULE_NAME.match(name):
        raise bad_request(f"Invalid rule name: {name}")
    types = rule.get("eventTypes")
    if not types:
        raise bad_request("eventTypes must not be empty", "event_types_empty")
    for event_type in types:
        if event_type not in _EVENT_TYPES:
            raise bad_request(f"Invalid event type: {event_type}", "event_type_invalid")
    target = rule.get("targetConfiguration")
    if not isinstance(target, dict) or target.get("targetType") != "webhook":
        raise bad_request("targetConfiguration must be a webhook target")
    url = target.get("url")
    if not isinstance(url, str) or not url.startswith("https://"):
        raise bad_request("webhook url must be https")
    secret = target.get("hmacSha256SigningSecret")
    if secret is not None and not re.match(r"^[A-Za-z0-9]{32}$", str(secret)):
        raise bad_request("hmacSha256SigningSecret must be 32 alphanumeric characters")
    stored = {k: v for k, v in rule.items() if k not in ("isSuspended", "suspensionReason")}
    stored.setdefault("objectNamePrefix", "")
    stored.setdefault("isEnabled", True)
    stored["targetConfiguration"] = {
        "targetType": "webhook",
        "url": url,
        "customHeaders": target.get("customHeaders"),
        "hmacSha256SigningSecret": secret,
    }
    stored["isSuspended"] = False
    stored["suspensionReason"] = ""
    return stored


def _check_overlap(rules: list[dict[str, Any]]) -> None:
    names = [r["name"] for r in rules]
    if len(set(names)) != len(names):
        raise bad_request("rule names must be unique")
    for i, first in enumerate(rules):
        for second in rules[i + 1 :]:
            p, q = first["objectNamePrefix"], second["objectNamePrefix"]
            if not (p.startswith(q) or q.startswith(p)):
                continue
            for a in first["eventTypes"]:
                for b in second["eventTypes"]:
                    if _overlaps(a, b):
                        raise bad_request(
                            f"event type {a} overlaps between rules", "event_type_overlap"
                        )


def _response(bucket_id: str, rules: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "bucketId": bucket_id,
        "eventNotificationRules": sorted(rules, key=lambda r: r["name"]),
    }


async def get_rules(call: Call) -> dict[str, Any]:
    """The bucket's rules, sorted by name."""
    call.require("readBucketNotifications")
    bucket = call.bucket(call.params.req("bucketId"))
    return _response(bucket.bucket_id, bucket.notification_rules)


async def set_rules(call: Call) -> dict[str, Any]:
    """Replace all of the bucket's rules."""
    call.require("writeBucketNotifications")
    bucket = call.bucket(call.params.req("bucketId"))
    raw = call.params.array("eventNotificationRules")
    if raw is None:
        raise bad_request("required field eventNotificationRules is missing")
    rules = [_check_rule(rule) for rule in raw]
    _check_overlap(rules)
    bucket.notification_rules = rules
    return _response(bucket.bucket_id, rules)


HANDLERS = {
    "b2_get_bucket_notification_rules": get_rules,
    "b2_set_bucket_notification_rules": set_rules,
}
