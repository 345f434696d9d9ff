"""A bare-httpx B2 caller for the emulator_io tests.

The tests here talk to the emulator with plain httpx (no b2async client), so they check the wire
behaviour of the ASGI app, the socket server and the CLI independently of the client library.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx


@dataclass
class Wire:
    """Minimal B2 native-API calls over any httpx.AsyncClient (no retries, no models)."""

    client: httpx.AsyncClient
    realm: str
    auth: dict[str, Any] | None = None

    async def authorize(self, key_id: str, key: str) -> dict[str, Any]:
        response = await self.client.get(
            f"{self.realm}/b2api/v3/b2_authorize_account", auth=(key_id, key)
        )
        assert response.status_code == 200, response.text
        self.auth = response.json()
        return self.auth

    @property
    def api_url(self) -> str:
        assert self.auth is not None
        return str(self.auth["apiInfo"]["storageApi"]["apiUrl"])

    @property
    def download_url(self) -> str:
        assert self.auth is not None
        return str(self.auth["apiInfo"]["storageApi"]["downloadUrl"])

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        assert self.auth is not None
        return {"Authorization": self.auth["authorizationToken"], **(extra or {})}

    async def call(
        self, endpoint: str, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> httpx.Response:
        return await self.client.post(
            f"{self.api_url}/b2api/v3/{endpoint}", json=body, headers=self.headers(headers)
        )

    async def ok(self, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.call(endpoint, body)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def create_bucket(self, name: str, bucket_type: str = "allPrivate") -> dict[str, Any]:
        assert self.auth is not None
        return await self.ok(
            "b2_create_bucket",
            {"accountId": self.auth["accountId"], "bucketName": name, "bucketType": bucket_type},
        )

    async def upload(
        self, bucket_id: str, name: str, data: bytes, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        target = await self.ok("b2_get_upload_url", {"bucketId": bucket_id})
        return await self.client.post(
            target["uploadUrl"],
            content=data,
            headers={
                "Authorization": target["authorizationToken"],
                "X-Bz-File-Name": name,
                "Content-Type": "application/octet-stream",
                "X-Bz-Content-Sha1": hashlib.sha1(data).hexdigest(),
                **(headers or {}),
            },
        )
