"""Validation of bucket CORS rules (spec 4.6).

B2 refuses a malformed rule with 400 ``bad_request`` when the bucket is created or updated;
accepting it here would let a client ship rules that real B2 rejects.
"""

from __future__ import annotations

import re
from typing import Any

from b2async.testing._wire import bad_request

MAX_CORS_RULES = 100
MAX_AGE_SECONDS = 86_400
CORS_OPERATIONS = frozenset(
    {
        "b2_download_file_by_name", "b2_download_file_by_id", "b2_upload_file",
        "b2_upload_part", "s3_get", "s3_head", "s3_put", "s3_post", "s3_delete",
    }
)  # fmt: skip
_RULE_NAME = re.compile(r"^[A-Za-z0-9-]{6,50}$")


def check_cors_rules(rules: list[Any]) -> list[dict[str, Any]]:
    """Validate a ``corsRules`` array: at most 100 rules with unique, well-formed names."""
    if len(rules) > MAX_CORS_RULES:
        raise bad_request(f"too many CORS rules (max {MAX_CORS_RULES})")
    names: set[str] = set()
    checked = [_check_rule(rule) for rule in rules]
    for rule in checked:
        name = rule["corsRuleName"]
        if name in names:
            raise bad_request(f"duplicate corsRuleName: {name}")
        names.add(name)
    return checked


def _check_rule(rule: Any) -> dict[str, Any]:
    if not isinstance(rule, dict):
        raise bad_request("a CORS rule must be an object")
    name = rule.get("corsRuleName")
    if not isinstance(name, str) or not _RULE_NAME.match(name):
        raise bad_request(f"Invalid corsRuleName: {name!r} (6-50 of letters, digits and -)")
    if name.lower().startswith("b2-"):
        raise bad_request(f"corsRuleName {name} uses the reserved b2- prefix")
    origins = _strings(rule, "allowedOrigins", required=True)
    _star_alone(origins, "allowedOrigins")
    operations = _strings(rule, "allowedOperations", required=True)
    for operation in operations:
        if operation not in CORS_OPERATIONS:
            raise bad_request(f"Invalid allowedOperations entry: {operation}")
    _star_alone(_strings(rule, "allowedHeaders"), "allowedHeaders")
    _strings(rule, "exposeHeaders")
    max_age = rule.get("maxAgeSeconds", 0)
    if (
        not isinstance(max_age, int)
        or isinstance(max_age, bool)
        or not 0 <= max_age <= MAX_AGE_SECONDS
    ):
        raise bad_request(f"maxAgeSeconds must be between 0 and {MAX_AGE_SECONDS}")
    return rule


def _strings(rule: dict[str, Any], member: str, *, required: bool = False) -> list[str]:
    """A list-of-strings member; ``required`` ones must be present and non-empty."""
    value = rule.get(member)
    if value is None and not required:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise bad_request(f"{member} must be a list of strings")
    if required and not value:
        raise bad_request(f"{member} must not be empty")
    return value


def _star_alone(values: list[str], member: str) -> None:
    if "*" in values and len(values) > 1:
        raise bad_request(f'"*" must be the only entry of {member}')
