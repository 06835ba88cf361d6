"""What a simulated client makes of an answer (shared by the locustfile and the runner)."""

# Statuses after which a client asks again with the same idempotency key: shed (429,
# 503), a proxy's gateway errors, or no answer at all (0: the connection broke or timed
# out). Any other status is the answer.
TRY_AGAIN = frozenset({0, 429, 502, 503, 504})
