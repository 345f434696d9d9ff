"""Bucket event notification rules (get/set_bucket_notification_rules).

The webhook signing secret is a :class:`~pydantic.SecretStr`; :meth:`EventNotificationRule.to_json`
reveals it deliberately, for the request body of ``b2_set_bucket_notification_rules``.
"""

from __future__ import annotations

from pydantic import SecretStr

from b2async._models._base import B2Model

__all__ = [
    "CustomHeader",
    "EventNotificationRule",
    "NotificationRules",
    "NotificationTarget",
]


class CustomHeader(B2Model):
    """A header B2 adds to each webhook call."""

    name: str
    value: str


class NotificationTarget(B2Model):
    """Where events go (``target_type`` is ``"webhook"`` today)."""

    target_type: str = "webhook"
    url: str
    custom_headers: list[CustomHeader] | None = None
    hmac_sha256_signing_secret: SecretStr | None = None


class EventNotificationRule(B2Model):
    """One rule; ``is_suspended``/``suspension_reason`` are output-only."""

    name: str
    event_types: list[str]
    is_enabled: bool = True
    object_name_prefix: str = ""
    target_configuration: NotificationTarget
    is_suspended: bool | None = None
    suspension_reason: str | None = None

    def to_json(self) -> dict[str, object]:
        """The rule as a request member (output-only fields dropped, secret revealed)."""
        target = self.target_configuration
        target_json: dict[str, object] = {"targetType": target.target_type, "url": target.url}
        if target.custom_headers is not None:
            target_json["customHeaders"] = [
                {"name": header.name, "value": header.value} for header in target.custom_headers
            ]
        if target.hmac_sha256_signing_secret is not None:
            target_json["hmacSha256SigningSecret"] = (
                target.hmac_sha256_signing_secret.get_secret_value()
            )
        return {
            "name": self.name,
            "eventTypes": list(self.event_types),
            "isEnabled": self.is_enabled,
            "objectNamePrefix": self.object_name_prefix,
            "targetConfiguration": target_json,
        }


class NotificationRules(B2Model):
    """Answer of get/set_bucket_notification_rules."""

    bucket_id: str
    event_notification_rules: list[EventNotificationRule]
