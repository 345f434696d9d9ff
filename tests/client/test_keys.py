"""Application keys: create (secret once, usable), list across pages, delete."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from b2async._client import B2Client
from b2async._errors import B2ValidationError, Unauthorized

from ._support import put_file, unique_bucket_name

if TYPE_CHECKING:
    import httpx

    from b2async._bucket import Bucket
    from b2async.testing import B2Emulator

pytestmark = pytest.mark.anyio


async def test_create_list_delete(client: B2Client) -> None:
    created = [await client.create_key(f"key-{i}", ["listBuckets", "listFiles"]) for i in range(5)]
    secrets = [key.application_key.get_secret_value() for key in created]
    assert all(secrets)
    assert len(set(secrets)) == 5
    for key, secret in zip(created, secrets, strict=True):
        assert secret not in repr(key)
        assert key.capabilities == ["listBuckets", "listFiles"]

    listed = [key async for key in client.list_keys(page_size=2)]
    assert sorted(k.application_key_id for k in listed) == sorted(
        k.application_key_id for k in created
    )
    # The secret is only ever returned at creation.
    assert all(not hasattr(key, "application_key") for key in listed)

    deleted = await client.delete_key(created[0])
    assert deleted.application_key_id == created[0].application_key_id
    deleted = await client.delete_key(created[1].application_key_id)
    assert deleted.key_name == "key-1"
    remaining = [key.application_key_id async for key in client.list_keys()]
    assert sorted(remaining) == sorted(k.application_key_id for k in created[2:])


async def test_new_key_is_usable_and_restricted(
    emulator: B2Emulator, client: B2Client, bucket: Bucket, http_client: httpx.AsyncClient
) -> None:
    await put_file(bucket, "a/1.txt", b"1")
    await put_file(bucket, "b/2.txt", b"2")
    new = await client.create_key(
        "reader", ["listBuckets", "listFiles"], bucket_ids=[bucket.id], name_prefix="a/"
    )
    assert new.bucket_ids == [bucket.id]
    async with B2Client(
        new.application_key_id,
        new.application_key,
        realm=emulator.realm,
        http_client=http_client,
    ) as second:
        authorization = await second.authorize()
        assert authorization.allowed.name_prefix == "a/"
        assert authorization.allowed.buckets is not None
        assert [b.id for b in authorization.allowed.buckets] == [bucket.id]
        # Unfiltered listing works with a bucket-restricted key (listed per allowed bucket).
        (visible,) = await second.list_buckets()
        assert visible.id == bucket.id
        handle = await second.get_bucket(bucket.name)
        listed = [v.file_name async for v in handle.list_file_names(prefix="a/")]
        assert listed == ["a/1.txt"]
        with pytest.raises(Unauthorized):
            await second.create_bucket("not-allowed-here")


async def test_multi_bucket_keys_need_v4(
    emulator: B2Emulator, client: B2Client, http_client: httpx.AsyncClient
) -> None:
    first = await client.create_bucket(unique_bucket_name("multi"))
    second = await client.create_bucket(unique_bucket_name("multi"))
    await client.create_bucket(unique_bucket_name("other"))
    before = sum(emulator.calls.values())
    with pytest.raises(B2ValidationError):
        await client.create_key("two", ["listBuckets"], bucket_ids=[first.id, second.id])
    assert sum(emulator.calls.values()) == before

    async with B2Client(
        emulator.key_id,
        emulator.key,
        realm=emulator.realm,
        http_client=http_client,
        api_version="v4",
    ) as v4:
        new = await v4.create_key("two", ["listBuckets"], bucket_ids=[first.id, second.id])
        assert sorted(new.bucket_ids or []) == sorted([first.id, second.id])
        async with B2Client(
            new.application_key_id,
            new.application_key,
            realm=emulator.realm,
            http_client=http_client,
            api_version="v4",
        ) as restricted:
            listed = await restricted.list_buckets()
    assert [bucket.name for bucket in listed] == sorted([first.name, second.name])
