"""Serve an emulator over a real loopback socket with uvicorn.

The in-process transport (``emulator.http_client()``) covers most tests; serving over a socket
is for clients that bring their own HTTP stack: the official ``b2sdk``, the B2 CLI, other
languages, or b2async with a real connection pool. The server runs in a background thread with
its own asyncio event loop, so it works the same whether the caller is on asyncio, trio or plain
synchronous code (``b2sdk``).

The socket is bound before uvicorn starts, so ``port=0`` picks a free port and the URL is known
up front. The emulator builds ``apiUrl``, ``downloadUrl`` and upload URLs from each request's own
``Host``, so they point back at this server without further configuration.

uvicorn is an optional dependency: ``pip install "b2async[emulator]"``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import threading
import time
from typing import TYPE_CHECKING, Any, Protocol

import anyio.to_thread

from b2async.testing._asgi import ConnectionDropped, EmulatorApp, RequestHandler

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

__all__ = ["EmulatorServer", "ServableEmulator", "serve", "serve_in_thread"]

_STARTUP_TIMEOUT = 15.0
# Seconds uvicorn waits for in-flight requests (e.g. a stalled one) before cancelling them.
_GRACEFUL_SHUTDOWN = 1.0


class ServableEmulator(Protocol):
    """What :func:`serve` needs from a :class:`~b2async.testing.B2Emulator`."""

    @property
    def core(self) -> RequestHandler: ...


class _DropFilter(logging.Filter):
    """Keep expected failures out of uvicorn's error log: injected connection drops, and
    requests cancelled because the server stopped (a stalled answer still sleeping)."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, (ConnectionDropped, asyncio.CancelledError))


_DROP_FILTER = _DropFilter()


def _import_uvicorn() -> Any:
    try:
        import uvicorn  # optional extra: imported only when serving
    except ImportError as exc:
        raise ModuleNotFoundError(
            "serving the B2 emulator over HTTP needs uvicorn; "
            'install it with: pip install "b2async[emulator]"'
        ) from exc
    return uvicorn


def _url_host(host: str) -> str:
    """The host to put in URLs: wildcard binds are reached through loopback."""
    if host in ("", "0.0.0.0"):  # a wildcard bind is reached through loopback
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


class EmulatorServer:
    """A uvicorn server for one emulator, running in a daemon thread.

    Use :func:`serve` (async) or :func:`serve_in_thread` (sync) rather than this class directly.

    Args:
        emulator: The emulator to serve.
        host: Address to bind (loopback by default; the emulator has no real security).
        port: Port to bind; 0 picks a free one.
        ssl_certfile: serve HTTPS with this certificate (PEM, chain included) instead of
            plain HTTP, for clients that insist on ``https`` or to measure what TLS costs.
        ssl_keyfile: the certificate's private key (PEM), when not in ``ssl_certfile``.
    """

    def __init__(
        self,
        emulator: ServableEmulator,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        ssl_certfile: str | os.PathLike[str] | None = None,
        ssl_keyfile: str | os.PathLike[str] | None = None,
    ) -> None:
        self.emulator = emulator
        self.host = host
        self.port = port
        self.ssl_certfile = None if ssl_certfile is None else os.fspath(ssl_certfile)
        self.ssl_keyfile = None if ssl_keyfile is None else os.fspath(ssl_keyfile)
        self.url = ""
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._failure: BaseException | None = None

    def start(self) -> str:
        """Bind, start serving and return the base URL (blocks until the server is up)."""
        uvicorn = _import_uvicorn()
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted connections only when the
        # listening socket says it is TCP. Without it, a response written in two pieces waits
        # for the client's delayed ACK (~40 ms) on every kept-alive request.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError:
            sock.close()
            raise
        self._socket = sock
        self.port = sock.getsockname()[1]
        scheme = "http" if self.ssl_certfile is None else "https"
        self.url = f"{scheme}://{_url_host(self.host)}:{self.port}"

        logging.getLogger("uvicorn.error").addFilter(_DROP_FILTER)
        config = uvicorn.Config(
            EmulatorApp(self.emulator.core),
            lifespan="off",
            loop="asyncio",
            http="h11",
            ws="none",
            log_config=None,
            log_level="warning",
            access_log=False,
            date_header=False,  # EmulatorApp sends Date itself (the core may already have)
            server_header=False,
            timeout_graceful_shutdown=_GRACEFUL_SHUTDOWN,
            ssl_certfile=self.ssl_certfile,
            ssl_keyfile=self.ssl_keyfile,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._run, name=f"b2-emulator-{self.port}", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + _STARTUP_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the B2 emulator server failed to start") from self._failure
            time.sleep(0.005)
        return self.url

    def _run(self) -> None:
        assert self._socket is not None
        try:
            self._server.run(sockets=[self._socket])
        except BaseException as exc:
            self._failure = exc

    def stop(self) -> None:
        """Stop serving, wait for the thread and release the socket."""
        if self._server is not None:
            # Don't wait for in-flight requests (a stalled one would hold shutdown up): the
            # emulator's data lives in memory and outlives the server anyway.
            self._server.force_exit = True
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=_GRACEFUL_SHUTDOWN + 10)
            self._thread = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None


@contextlib.contextmanager
def serve_in_thread(
    emulator: ServableEmulator,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    ssl_certfile: str | os.PathLike[str] | None = None,
    ssl_keyfile: str | os.PathLike[str] | None = None,
) -> Iterator[str]:
    """Serve ``emulator`` over HTTP for the duration of a ``with`` block (synchronous code).

    With ``ssl_certfile`` (and ``ssl_keyfile``) it serves HTTPS; see :class:`EmulatorServer`.

    Yields:
        The realm URL, e.g. ``"http://127.0.0.1:54321"``; pass it as the realm to any B2
        client (``b2sdk``: ``B2Api.authorize_account(key_id, key, realm=url)``).
    """
    server = EmulatorServer(
        emulator, host, port, ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile
    )
    url = server.start()
    try:
        yield url
    finally:
        server.stop()


@contextlib.asynccontextmanager
async def serve(
    emulator: ServableEmulator,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    ssl_certfile: str | os.PathLike[str] | None = None,
    ssl_keyfile: str | os.PathLike[str] | None = None,
) -> AsyncIterator[str]:
    """Serve ``emulator`` over HTTP for the duration of an ``async with`` block.

    Works on asyncio and trio: the server runs on its own thread and event loop. With
    ``ssl_certfile`` (and ``ssl_keyfile``) it serves HTTPS; see :class:`EmulatorServer`.

    Yields:
        The realm URL, e.g. ``"http://127.0.0.1:54321"``.
    """
    server = EmulatorServer(
        emulator, host, port, ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile
    )
    try:
        # Inside the try: a cancellation arriving while the thread starts the server must
        # still stop it.
        yield await anyio.to_thread.run_sync(server.start)
    finally:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(server.stop)
