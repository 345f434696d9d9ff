"""The public door: ``b2async.__all__`` is sorted, importable and documented."""

from __future__ import annotations

import importlib
import inspect

import b2async

PUBLIC = set(b2async.__all__)


def test_all_is_sorted_and_unique() -> None:
    assert list(b2async.__all__) == sorted(set(b2async.__all__))


def test_every_name_is_importable() -> None:
    module = importlib.import_module("b2async")
    for name in b2async.__all__:
        assert getattr(module, name) is not None, name


def test_every_exported_object_is_documented() -> None:
    for name in b2async.__all__:
        if name == "__version__":
            continue
        obj = getattr(b2async, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert (inspect.getdoc(obj) or "").strip(), f"{name} has no docstring"


def test_version_is_a_string() -> None:
    assert isinstance(b2async.__version__, str)
    assert b2async.__version__


def test_the_core_names_are_public() -> None:
    expected = {
        "B2Client",
        "Bucket",
        "RetryPolicy",
        "B2Error",
        "B2APIError",
        "BucketNotFound",
        "FileNotHidden",
        "InvalidBucketName",
        "FileVersion",
        "BucketModel",
        "Authorization",
        "ApplicationKey",
        "NewApplicationKey",
        "DownloadAuthorization",
        "SseB2",
        "SseC",
        "Retention",
    }
    assert expected <= PUBLIC, sorted(expected - PUBLIC)


def test_no_private_or_table_names_leak() -> None:
    for name in b2async.__all__:
        assert name == "__version__" or not name.startswith("_"), name
    assert "ERROR_CLASSES" not in PUBLIC
    assert "STATUS_CLASSES" not in PUBLIC
    assert "error_from_response" not in PUBLIC


# Names of the private modules that stay private on purpose (helpers, base classes, tables).
PRIVATE_ON_PURPOSE = {
    "B2Model",
    "BucketTransfers",
    "TransferManager",
}


def test_every_error_class_is_public() -> None:
    from b2async import _errors

    classes = {
        name
        for name in _errors.__all__
        if inspect.isclass(getattr(_errors, name))
        and issubclass(getattr(_errors, name), BaseException)
    }
    assert classes <= PUBLIC, sorted(classes - PUBLIC)


def test_every_model_and_transfer_class_is_public() -> None:
    from b2async import _models, _transfer

    classes = {
        name
        for module in (_models, _transfer)
        for name in module.__all__
        if inspect.isclass(getattr(module, name)) and name not in PRIVATE_ON_PURPOSE
    }
    assert classes <= PUBLIC, sorted(classes - PUBLIC)


def test_reexports_are_the_same_objects() -> None:
    from b2async import _client, _config, _errors, _models

    assert b2async.B2Client is _client.B2Client
    assert b2async.RetryPolicy is _config.RetryPolicy
    assert b2async.BucketNotFound is _errors.BucketNotFound
    assert b2async.FileVersion is _models.FileVersion
