"""Every (status, code) B2 may answer surfaces from a raw call as exactly its class."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from pydantic import SecretStr

from b2async._errors import (
    ERROR_CLASSES,
    B2APIError,
    InternalError,
    ServiceUnavailable,
    UploadTokenUsedConcurrently,
)
from b2async._models import UploadUrl
from b2async._raw import ApiContext, get_file_info, list_buckets, upload_file

from .conftest import UPLOAD_TOKEN, Api

if TYPE_CHECKING:
    import respx

    from b2async._http import B2Http

pytestmark = pytest.mark.anyio

CASES = sorted(ERROR_CLASSES.items())
UPLOAD_URL = "https://pod-000-1112-04.backblaze.com/b2api/v3/b2_upload_file/b1/c002"


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [(status, code, cls) for (status, code), cls in CASES],
    ids=[f"{status}-{code}" for (status, code), _ in CASES],
)
async def test_json_call_raises_the_class_of_its_status_and_code(
    api: Api, ctx: ApiContext, status: int, code: str, error: type[B2APIError]
) -> None:
    api.answer(
        "b2_get_file_info",
        {"status": status, "code": code, "message": f"message for {code}"},
        status=status,
    )
    with pytest.raises(B2APIError) as caught:
        await get_file_info(ctx, file_id="4_zfile")
    assert type(caught.value) is error
    assert caught.value.status == status
    assert caught.value.code == code
    assert caught.value.message == f"message for {code}"


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [(status, code, cls) for (status, code), cls in CASES],
    ids=[f"{status}-{code}" for (status, code), _ in CASES],
)
async def test_upload_raises_the_class_of_its_status_and_code(
    http: B2Http, router: respx.Router, status: int, code: str, error: type[B2APIError]
) -> None:
    router.post(UPLOAD_URL).respond(status, json={"status": status, "code": code, "message": "m"})
    url = UploadUrl(bucket_id="b1", upload_url=UPLOAD_URL, authorization_token=SecretStr("t"))
    with pytest.raises(B2APIError) as caught:
        await upload_file(
            http,
            url,
            file_name="a",
            content=b"x",
            content_length=1,
            sha1="11f6ad8ec52a2984abaafd7c3b516503785c2072",
        )
    assert type(caught.value) is error
    assert (caught.value.status, caught.value.code, caught.value.message) == (status, code, "m")


async def test_non_json_error_falls_back_to_the_status_class(
    router: respx.Router, ctx: ApiContext
) -> None:
    router.post("https://api001.backblazeb2.com/b2api/v3/b2_list_buckets").respond(
        503, text="<html>Service Unavailable</html>", headers={"Retry-After": "7"}
    )
    with pytest.raises(ServiceUnavailable) as caught:
        await list_buckets(ctx)
    assert caught.value.code == "non_json_response"
    assert caught.value.retry_after == 7.0
    assert caught.value.retryable


async def test_unknown_code_uses_its_status_class(api: Api, ctx: ApiContext) -> None:
    api.answer("b2_get_file_info", {"status": 500, "code": "brand_new", "message": ""}, status=500)
    with pytest.raises(InternalError) as caught:
        await get_file_info(ctx, file_id="f")
    assert caught.value.code == "brand_new"


async def test_upload_token_echoed_by_b2_is_not_in_the_error(
    http: B2Http, router: respx.Router
) -> None:
    router.post(UPLOAD_URL).respond(
        400,
        json={
            "status": 400,
            "code": "auth_token_limit",
            "message": f"more than one upload using auth token {UPLOAD_TOKEN}",
        },
    )
    url = UploadUrl(
        bucket_id="b1", upload_url=UPLOAD_URL, authorization_token=SecretStr(UPLOAD_TOKEN)
    )
    with pytest.raises(UploadTokenUsedConcurrently) as caught:
        await upload_file(
            http,
            url,
            file_name="a",
            content=b"x",
            content_length=1,
            sha1="11f6ad8ec52a2984abaafd7c3b516503785c2072",
        )
    assert UPLOAD_TOKEN not in str(caught.value)
    assert UPLOAD_TOKEN not in repr(caught.value)
    assert UPLOAD_TOKEN not in caught.value.message
