"""Unit tests run without sockets: a test that opens one is in the wrong folder."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest


class _NoSockets(socket.socket):
    def __init__(self, *args: object, **kwargs: object) -> None:
        raise RuntimeError("unit tests may not open sockets; move the test to tests/integration")


@pytest.fixture(autouse=True)
def _no_sockets(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(socket, "socket", _NoSockets)
    return
