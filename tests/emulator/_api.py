"""A thin B2 caller over plain httpx, used by the emulator tests."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping

    import httpx

    from b2async.testing import B2Emulator


# A valid event-notification rule (spec: b2_set_bucket_notification_rules).
RULE = {
    "name": "ruleOne",
    "eventTypes": ["b2:ObjectCreated:*"],
    "isEnabled": True,
    "objectNamePrefix": "logs/",
    "targetConfiguration": {"targetType": "webhook", "url": "https://example.com/hook"},
}


def sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


class Api:
    """A thin B2 caller over httpx, for asserting on raw responses."""

    def __init__(self, emu: B2Emulator, http: httpx.AsyncClient) -> None:
        self.emu = emu
        self.http = http
        self.token = ""
        self.api_url = ""
        self.account_id = emu.account_id
        self.version = 3

    async def authorize(
        self, key_id: str | None = None, key: str | None = None, *, version: int = 3
    ) -> httpx.Response:
        response = await self.http.get(
            f"{self.emu.realm}/b2api/v{version}/b2_authorize_account",
            auth=(key_id or self.emu.key_id, key or self.emu.key),
        )
        if response.status_code == 200:
            body = response.json()
            self.token = body["authorizationToken"]
            self.version = version
            self.api_url = (
                body["apiUrl"] if version <= 2 else body["apiInfo"]["storageApi"]["apiUrl"]
            )
        return response

    async def post(self, endpoint: str, token: str | None = None, **body: Any) -> httpx.Response:
        return await self.http.post(
            f"{self.api_url}/b2api/v{self.version}/{endpoint}",
            headers={"Authorization": token if token is not None else self.token},
            json=body,
        )

    async def get(
        self, endpoint: str, params: Mapping[str, str], token: str | None = None
    ) -> httpx.Response:
        return await self.http.get(
            f"{self.api_url}/b2api/v{self.version}/{endpoint}",
            headers={"Authorization": token if token is not None else self.token},
            params=params,
        )

    async def ok(self, endpoint: str, **body: Any) -> Any:
        response = await self.post(endpoint, **body)
        assert response.status_code == 200, response.text
        return response.json()

    async def fails(self, endpoint: str, status: int, code: str, **body: Any) -> dict[str, Any]:
        response = await self.post(endpoint, **body)
        assert_error(response, status, code)
        return response.json()  # type: ignore[no-any-return]

    async def bucket(self, name: str = "test-bucket", bucket_type: str = "allPrivate") -> str:
        body = await self.ok(
            "b2_create_bucket", accountId=self.account_id, bucketName=name, bucketType=bucket_type
        )
        return str(body["bucketId"])

    async def upload_url(self, bucket_id: str) -> tuple[str, str]:
        body = await self.ok("b2_get_upload_url", bucketId=bucket_id)
        return body["uploadUrl"], body["authorizationToken"]

    async def upload_raw(
        self,
        bucket_id: str,
        name: str,
        data: bytes | AsyncIterator[bytes],
        *,
        headers: Mapping[str, str] | None = None,
        url: tuple[str, str] | None = None,
    ) -> httpx.Response:
        upload_url, token = url or await self.upload_url(bucket_id)
        all_headers = {
            "Authorization": token,
            "X-Bz-File-Name": name,
            "Content-Type": "application/octet-stream",
        }
        if isinstance(data, bytes):
            all_headers["X-Bz-Content-Sha1"] = sha1(data)
        all_headers.update(headers or {})
        return await self.http.post(upload_url, headers=all_headers, content=data)

    async def upload(
        self, bucket_id: str, name: str, data: bytes = b"data", **kwargs: Any
    ) -> dict[str, Any]:
        response = await self.upload_raw(bucket_id, name, data, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]


def assert_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code, body
    assert isinstance(body["message"], str)
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
