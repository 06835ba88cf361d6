"""A quick hasher for the demo's log-ins only. Their password is published in the README,
so a slow hash protects nothing and costs `make run` half a second per member; Django
re-hashes with its default the first time each demo member logs in."""

from __future__ import annotations

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class DemoPasswordHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_sha256_demo"
    iterations = 1_000
