"""How this instance talks to peers over HTTP. One module, so the tests can put a
simulated network in its place (`use`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Protocol

import requests

TIMEOUT_SECONDS = 10
MAX_BODY = 1_000_000


class Unreachable(Exception):  # noqa: N818 - what happened, not a programming error
    """No answer: the peer is down, or the network is."""


class Transport(Protocol):
    def get(self, url: str, headers: Mapping[str, str]) -> tuple[int, bytes]: ...

    def post(self, url: str, headers: Mapping[str, str], body: bytes) -> tuple[int, bytes]: ...


class Http:
    """The real network, by `requests`, with a timeout and a cap on what is read."""

    def get(self, url: str, headers: Mapping[str, str]) -> tuple[int, bytes]:
        return self._call("GET", url, headers, None)

    def post(self, url: str, headers: Mapping[str, str], body: bytes) -> tuple[int, bytes]:
        return self._call("POST", url, headers, body)

    def _call(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None
    ) -> tuple[int, bytes]:
        try:
            answer = requests.request(
                method,
                url,
                headers=dict(headers),
                data=body,
                timeout=TIMEOUT_SECONDS,
                allow_redirects=False,
                stream=True,
            )
            content = answer.raw.read(MAX_BODY + 1, decode_content=True)
        except requests.RequestException as error:
            raise Unreachable(str(error)[:200]) from error
        return answer.status_code, content[:MAX_BODY]


_current: list[Transport] = [Http()]


def current() -> Transport:
    return _current[-1]


@contextmanager
def use(transport: Transport) -> Iterator[Transport]:
    """Talk through `transport` within the block (a simulated network in tests)."""
    _current.append(transport)
    try:
        yield transport
    finally:
        _current.pop()
