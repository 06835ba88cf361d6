"""The platform's load: workers going available, receiving and accepting offers and
delivering; clients posting tasks and accepting deliveries; members reading the public
pages and voting. Each simulated person holds an API token made by bench.load.run
(LOAD_TOKENS, a JSON file). Every write carries an idempotency key.

A client whose task post is shed (429, 503), broken or unanswered tries again with the
same key, as a real client does, a few times with backoff. What became of every post is
written to LOAD_POSTS when the step stops: the keys answered 201, and those still without
an answer (in flight when the step ended), which bench.load.run settles afterwards — so
the posts answered can be counted against the tasks stored."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import time
import uuid
from typing import Any

from locust import HttpUser, between, events, task

from bench.load.answers import TRY_AGAIN

TOKENS: dict[str, list[str]] = json.loads(open(os.environ["LOAD_TOKENS"]).read())  # noqa: SIM115
_next = {role: itertools.cycle(tokens) for role, tokens in TOKENS.items()}
# The web processes, taken in turn by the simulated people (a proxy would spread them).
_hosts = itertools.cycle(os.environ["LOAD_HOSTS"].split())
# Every task post by key: its host, token and body, and the statuses it got.
POSTS: dict[str, dict[str, Any]] = {}


@events.test_stop.add_listener  # type: ignore[untyped-decorator]
def _write_posts(**_kwargs: Any) -> None:
    path = os.environ.get("LOAD_POSTS")
    if path:
        with open(path, "w") as out:
            json.dump(POSTS, out)


class Member(HttpUser):
    abstract = True
    role = ""
    host = "http://127.0.0.1"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.host = next(_hosts)
        super().__init__(*args, **kwargs)  # type: ignore[no-untyped-call]

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {next(_next[self.role])}"

    def post(self, path: str, body: Any = None, name: str | None = None) -> Any:
        return self.client.post(
            path, json=body, headers={"Idempotency-Key": uuid.uuid4().hex}, name=name or path
        )


class Worker(Member):
    role = "worker"
    weight = 4
    wait_time = between(1, 3)

    def on_start(self) -> None:
        super().on_start()
        self.post("/api/v1/availability", {"available": True, "hours": 8})

    @task(5)
    def answer_offers(self) -> None:
        offers = self.client.get("/api/v1/offers").json()
        for offer in offers if isinstance(offers, list) else []:
            if offer.get("status") != "pending":
                continue
            self.post(f"/api/v1/offers/{offer['id']}/accept", name="/api/v1/offers/[id]/accept")
            self.post(f"/api/v1/tasks/{offer['task_id']}/start", name="/api/v1/tasks/[id]/start")
            self.post(
                f"/api/v1/tasks/{offer['task_id']}/deliver", name="/api/v1/tasks/[id]/deliver"
            )

    @task(2)
    def take_from_the_board(self) -> None:
        board = self.client.get("/api/v1/board").json()
        if isinstance(board, list) and board:
            chosen = random.choice(board)
            self.post(f"/api/v1/tasks/{chosen['id']}/take", name="/api/v1/tasks/[id]/take")

    @task(1)
    def my_tasks(self) -> None:
        self.client.get("/api/v1/tasks/mine")


class Client(Member):
    role = "client"
    weight = 2
    wait_time = between(2, 5)

    def on_start(self) -> None:
        super().on_start()
        token = self.client.headers["Authorization"].removeprefix("Bearer ")
        self.project = TOKENS["projects"][TOKENS["client"].index(token)]

    @task(3)
    def post_a_task(self) -> None:
        deadline = dt.datetime.now(dt.UTC) + dt.timedelta(hours=6)
        body = {
            "project_id": int(self.project),
            "title": "load test translation",
            "kind": "remote",
            "estimated_minutes": 30,
            "deadline": deadline.isoformat(),
        }
        key = uuid.uuid4().hex
        post = POSTS[key] = {
            "host": self.host,
            "token": self.client.headers["Authorization"],
            "body": body,
            "statuses": [],
        }
        for attempt in range(4):
            response = self.client.post(
                "/api/v1/tasks", json=body, headers={"Idempotency-Key": key}, timeout=30
            )
            post["statuses"].append(response.status_code)
            if response.status_code not in TRY_AGAIN:
                return
            time.sleep(0.5 * 2**attempt + random.random() / 2)

    @task(2)
    def accept_deliveries(self) -> None:
        posted = self.client.get("/api/v1/tasks/posted").json()
        for item in posted if isinstance(posted, list) else []:
            if item.get("status") == "delivered":
                self.post(
                    f"/api/v1/tasks/{item['id']}/complete", name="/api/v1/tasks/[id]/complete"
                )


class Reader(Member):
    role = "reader"
    weight = 3
    wait_time = between(2, 6)

    @task(3)
    def transparency(self) -> None:
        self.client.get("/api/v1/transparency")

    @task(2)
    def results(self) -> None:
        self.client.get("/api/v1/results")

    @task(2)
    def vote(self) -> None:
        proposals = self.client.get("/api/v1/proposals").json()
        for proposal in proposals if isinstance(proposals, list) else []:
            if proposal.get("status") == "voting":
                self.client.put(
                    f"/api/v1/proposals/{proposal['id']}/ballot",
                    json={"choice": random.choice(["yes", "no", "abstain"])},
                    headers={"Idempotency-Key": uuid.uuid4().hex},
                    name="/api/v1/proposals/[id]/ballot",
                )
                return
