"""Signing and verifying server-to-server requests, as the fediverse does. No Django.

Two standards, both with the co-op's RSA key:

- **HTTP Message Signatures (RFC 9421)**, by `http-message-signatures`: `Signature-Input`
  and `Signature`, covering the method, the target URI, the authority and (with a body)
  `Content-Digest` (RFC 9530). What we send first.
- **The older draft** ("draft-cavage", what Mastodon sends and most servers still
  expect), by `apsig`: one `Signature` header covering `(request-target)`, `host`, `date`
  and (with a body) `Digest`. Accepted on receipt, and sent to a peer that refuses RFC
  9421 ("double-knocking").

`verify` decides whether a request is genuine: a known kind of signature, the covered
parts a server-to-server request must cover, the body's digest, a signing time inside the
clock-skew window, and a valid signature by the key the request names. Each refusal says
why (`SignatureRefused.reason`), for the log. Replays (the same signature twice) are the
caller's to refuse: it keeps what it has seen.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import email.utils
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import http_message_signatures as hms
from apsig.draft.sign import Signer as DraftSigner
from apsig.draft.verify import Verifier as DraftVerifier
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from requests.structures import CaseInsensitiveDict

SKEW = dt.timedelta(minutes=5)  # how far a signing time may lie from ours, either way
RFC9421 = "rfc9421"
DRAFT = "draft-cavage"
# What a signed server-to-server request must cover, by kind of signature.
RFC9421_COVERED = ("@method", "@target-uri")
DRAFT_COVERED = ("(request-target)", "host", "date")


class SignatureRefused(Exception):  # noqa: N818 - a refusal, not a programming error
    """A request that is not accepted; `reason` says why (logged, and sent back)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class Verified:
    key_id: str
    scheme: str  # RFC9421 or DRAFT
    signature: bytes  # the signature itself: what a replay repeats


# --- keys ------------------------------------------------------------------------------


def new_private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def public_pem(key: rsa.RSAPrivateKey | rsa.RSAPublicKey) -> str:
    public = key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def load_private(pem: bytes) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("not an RSA private key")
    return key


def load_public(pem: str) -> rsa.RSAPublicKey:
    key = serialization.load_pem_public_key(pem.encode())
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureRefused("the key is not an RSA key")
    return key


# --- the message both libraries read ---------------------------------------------------


@dataclass
class Message:
    """An HTTP request as `http-message-signatures` reads it."""

    method: str
    url: str
    headers: CaseInsensitiveDict[str]
    body: bytes = b""


class _Keys(hms.HTTPSignatureKeyResolver):
    def __init__(
        self,
        public: Callable[[str], rsa.RSAPublicKey | None] | None = None,
        private: rsa.RSAPrivateKey | None = None,
    ) -> None:
        self.public = public
        self.private = private

    def resolve_public_key(self, key_id: str) -> rsa.RSAPublicKey | None:
        return self.public(key_id) if self.public else None

    def resolve_private_key(self, key_id: str) -> rsa.RSAPrivateKey:
        if self.private is None:
            raise hms.HTTPMessageSignaturesException("no private key")
        return self.private


class _Verifier(hms.HTTPMessageVerifier):
    """The library's verifier, with the signing time left to `_check_time`: one window
    (SKEW, either way) on the co-op's own clock, as for the older draft."""

    def validate_created_and_expires(self, sig_input: Any, max_age: Any = None) -> None:
        if "created" not in sig_input.params:
            raise hms.InvalidSignature('Signature is missing a required "created" parameter')


def digest_header(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


# --- signing ----------------------------------------------------------------------------


def sign(
    method: str,
    url: str,
    body: bytes,
    *,
    key: rsa.RSAPrivateKey,
    key_id: str,
    scheme: str = RFC9421,
    now: dt.datetime | None = None,
    headers: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The headers that sign this request (with Host, Date and the body's digest)."""
    when = now or dt.datetime.now(dt.UTC)
    parts = urlsplit(url)
    out: dict[str, str] = {
        "Host": parts.netloc,
        "Date": email.utils.format_datetime(when.astimezone(dt.UTC), usegmt=True),
        **(headers or {}),
    }
    if scheme == DRAFT:
        signed = {**out}
        if body or method.upper() == "POST":
            signed["Digest"] = digest_header(body)
        names = [h.lower() for h in ("(request-target)", "Host", "Date")]
        if "Digest" in signed:
            names.append("digest")
        result = DraftSigner(
            headers=signed,
            private_key=key,
            method=method,
            url=url,
            key_id=key_id,
            body=body,
            signed_headers=names,
        ).sign()
        # apsig also writes the signature as `Authorization`; peers read `Signature`.
        return {
            str(k).title() if k.islower() else str(k): str(v)
            for k, v in result.items()
            if str(k).lower() != "authorization"
        }
    message = Message(method.upper(), url, CaseInsensitiveDict(out), body)
    covered = ("@method", "@target-uri", "@authority")
    hms.HTTPMessageSigner(
        signature_algorithm=hms.algorithms.RSA_V1_5_SHA256, key_resolver=_Keys(private=key)
    ).sign(
        message,
        key_id=key_id,
        created=when,
        label="sig1",
        covered_component_ids=covered,
        body=body if (body or method.upper() == "POST") else None,
    )
    return dict(message.headers.items())


# --- verifying --------------------------------------------------------------------------


def _signature_params(header: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in header.split(","):
        name, _, value = item.partition("=")
        params[name.strip()] = value.strip().strip('"')
    return params


def key_id_of(headers: Mapping[str, str]) -> str | None:
    """The key a request says it is signed with (to fetch it before verifying)."""
    h = CaseInsensitiveDict(dict(headers))
    if "signature-input" in h:
        for member in h["signature-input"].split(";"):
            name, _, value = member.partition("=")
            if name.strip() == "keyid":
                return value.strip().strip('"')
        return None
    if "signature" in h:
        return _signature_params(h["signature"]).get("keyId")
    return None


def verify(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    public_key: Callable[[str], rsa.RSAPublicKey | None],
    now: dt.datetime | None = None,
) -> Verified:
    """The request's signature checked through; SignatureRefused saying why if not."""
    when = now or dt.datetime.now(dt.UTC)
    h: CaseInsensitiveDict[str] = CaseInsensitiveDict(dict(headers))
    if "signature-input" in h and "signature" in h:
        return _verify_rfc9421(method, url, h, body, public_key, when)
    if "signature" in h:
        return _verify_draft(method, url, h, body, public_key, when)
    raise SignatureRefused("the request is not signed")


def _verify_rfc9421(
    method: str,
    url: str,
    h: CaseInsensitiveDict[str],
    body: bytes,
    public_key: Callable[[str], rsa.RSAPublicKey | None],
    when: dt.datetime,
) -> Verified:
    message = Message(method.upper(), url, h, body)
    verifier = _Verifier(
        signature_algorithm=hms.algorithms.RSA_V1_5_SHA256, key_resolver=_Keys(public=public_key)
    )
    try:
        results = verifier.verify(message, max_age=None, require_components=RFC9421_COVERED)
        if body or "content-digest" in h:
            results = verifier.verify_body(message, results, body)
    except hms.HTTPMessageSignaturesException as error:
        raise SignatureRefused(f"RFC 9421: {error}") from error
    if not results:
        raise SignatureRefused("RFC 9421: no signature verified")
    result = results[0]
    created = result.parameters.get("created")
    if not isinstance(created, int):
        raise SignatureRefused("RFC 9421: the signature has no creation time")
    _check_time(dt.datetime.fromtimestamp(created, dt.UTC), when)
    expires = result.parameters.get("expires")
    if isinstance(expires, int) and dt.datetime.fromtimestamp(expires, dt.UTC) < when:
        raise SignatureRefused("the signature has expired")
    signature = _signature_bytes(h["signature"])
    return Verified(str(result.parameters.get("keyid", "")), RFC9421, signature)


def _decoded(text: str) -> bytes:
    """A signature's bytes, from strict base64 only: a replay with its text altered but
    its bytes the same (a character after the padding, say) is still the same signature."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise SignatureRefused("the signature is not base64") from error


def _signature_bytes(header: str) -> bytes:
    _, _, value = header.partition("=")
    return _decoded(value.strip().removeprefix(":").removesuffix(":"))


def _verify_draft(
    method: str,
    url: str,
    h: CaseInsensitiveDict[str],
    body: bytes,
    public_key: Callable[[str], rsa.RSAPublicKey | None],
    when: dt.datetime,
) -> Verified:
    params = _signature_params(h["signature"])
    key_id = params.get("keyId", "")
    signature = _decoded(params.get("signature", ""))
    covered = params.get("headers", "date").lower().split()
    missing = [c for c in DRAFT_COVERED if c not in covered]
    if body and "digest" not in covered:
        missing.append("digest")
    if missing:
        raise SignatureRefused(f"the signature does not cover {', '.join(missing)}")
    if (params.get("algorithm") or "rsa-sha256") not in ("rsa-sha256", "hs2019"):
        raise SignatureRefused(f"unknown algorithm {params.get('algorithm')!r}")
    if body and h.get("digest") != digest_header(body):
        raise SignatureRefused("the body does not match its digest")
    try:
        sent = email.utils.parsedate_to_datetime(h.get("date", ""))
    except (TypeError, ValueError) as error:
        raise SignatureRefused("the date is not a date") from error
    _check_time(sent, when)
    key = public_key(key_id)
    if key is None:
        raise SignatureRefused(f"unknown key {key_id!r}")
    plain: dict[str, Any] = dict(h.items())
    plain["signature"] = h["signature"].replace('algorithm="hs2019"', 'algorithm="rsa-sha256"')
    try:
        DraftVerifier(
            public_pem=key, method=method, url=url, headers=plain, body=body, clock_skew=10**9
        ).verify(raise_on_fail=True)
    except Exception as error:  # apsig raises several kinds; each is a refusal
        raise SignatureRefused(f"draft signature: {error}") from error
    return Verified(key_id, DRAFT, signature)


def _check_time(signed: dt.datetime, when: dt.datetime) -> None:
    if signed.tzinfo is None:
        signed = signed.replace(tzinfo=dt.UTC)
    if abs(signed - when) > SKEW:
        raise SignatureRefused(
            f"signed at {signed.isoformat()}, outside the {int(SKEW.total_seconds() // 60)} "
            "minutes allowed either way"
        )
