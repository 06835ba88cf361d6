"""The load test: locust, headless, against `make run-cluster`'s layout (two gunicorn web
processes on one PostgreSQL primary with its standby), once with the database queue and
once with RQ on Redis, at increasing numbers of simulated people. Loopback only, bounded
in count and time. Prints a Markdown table for docs/performance.md.

    python -m bench.load.run                     both queues, 10/25/50/100 people, 25 s each
    python -m bench.load.run --users 10 --seconds 10 --queues redis
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests as http

from bench.load.answers import TRY_AGAIN
from bench.run import machine

ROOT = Path(__file__).resolve().parents[2]
LOCUSTFILE = Path(__file__).with_name("locustfile.py")


def _start_cluster(folder: Path, queue: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
    env = {**os.environ, "CLUSTER_DIR": str(folder), "CLUSTER_QUEUE": queue, "PY": sys.executable}
    for name in ("DATABASE_URL", "DATABASE_REPLICA_URL", "REDIS_URL"):
        env.pop(name, None)
    process = subprocess.Popen(  # noqa: S603 - our own script
        [str(ROOT / "scripts" / "run-cluster.sh")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.strip() == "ready":
            break
    else:
        raise RuntimeError("the cluster did not start")
    cluster_env = dict(os.environ)
    for line in (folder / "cluster.env").read_text().splitlines():
        name, _, value = line.partition("=")
        cluster_env[name] = value.strip('"')
    cluster_env["DEBUG"] = "1"
    return process, cluster_env


def _step(hosts: str, tokens: Path, users: int, seconds: int, prefix: Path) -> dict[str, float]:
    posts_file = Path(f"{prefix}_posts.json")
    env = {
        **os.environ,
        "LOAD_TOKENS": str(tokens),
        "LOAD_HOSTS": hosts,
        "LOAD_POSTS": str(posts_file),
    }
    subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(max(1, users // 5)),
            "--run-time",
            f"{seconds}s",
            "--csv",
            str(prefix),
            "--only-summary",
            "--stop-timeout",
            "10",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        check=False,
        timeout=seconds + 120,
    )
    with open(f"{prefix}_stats.csv") as stats:
        total = next(row for row in csv.DictReader(stats) if row["Name"] == "Aggregated")
    errors_5xx = errors_other = 0
    with open(f"{prefix}_failures.csv") as failures:
        for row in csv.DictReader(failures):
            count = int(row["Occurrences"])
            if re.search(r"\b5\d\d\b", row["Error"]) and "429" not in row["Error"]:
                errors_5xx += count
            else:
                errors_other += count
    requests = int(total["Request Count"])
    posts = json.loads(posts_file.read_text())
    settled = sum(_settle(post, key) for key, post in posts.items())
    return {
        "accepted_posts": sum(post["statuses"][-1] == 201 for post in posts.values()),
        "retried_posts": sum(len(post["statuses"]) > 1 for post in posts.values()),
        "settled_posts": settled,
        "rps": float(total["Requests/s"]),
        "p50": float(total["50%"]),
        "p95": float(total["95%"]),
        "p99": float(total["99%"]),
        "requests": requests,
        "5xx": errors_5xx,
        "refused": errors_other / requests * 100 if requests else 0.0,
    }


def _settle(post: dict[str, Any], key: str) -> bool:
    """Ask again, with its key, for a post left without an answer when its step stopped
    (in flight, or shed on its last try), as its client would: whether it had to be."""
    if post["statuses"] and post["statuses"][-1] not in TRY_AGAIN:
        return False
    for _ in range(30):
        try:
            status = http.post(
                post["host"] + "/api/v1/tasks",
                json=post["body"],
                headers={"Authorization": post["token"], "Idempotency-Key": key},
                timeout=30,
            ).status_code
        except http.RequestException:
            status = 0
        post["statuses"].append(status)
        if status not in TRY_AGAIN:
            return True
        time.sleep(1)
    raise RuntimeError(f"post {key} never answered: {post['statuses']}")


def _posted_tasks(env: dict[str, str]) -> int:
    """How many tasks the load's clients posted, as the database has them."""
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from commonwork.work.models import Task;"
            "print(Task.objects.filter(title='load test translation').count())",
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout.split()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[10, 25, 50, 100])
    parser.add_argument("--seconds", type=int, default=25)
    parser.add_argument("--queues", nargs="+", default=["database", "redis"])
    args = parser.parse_args(argv)
    rows: list[tuple[str, str, dict[str, float]]] = []
    effects: list[tuple[str, int, int, int, int]] = []
    for queue in args.queues:
        folder = Path(tempfile.mkdtemp(prefix="commonwork-load-"))
        folder.chmod(0o755)
        process, env = _start_cluster(folder, queue)
        try:
            tokens = folder / "tokens.json"
            subprocess.run(  # noqa: S603
                [
                    sys.executable,
                    "manage.py",
                    "shell",
                    "-c",
                    f"exec(open({str(ROOT / 'bench' / 'load' / 'people.py')!r}).read())",
                ],
                env={**env, "LOAD_TOKENS": str(tokens)},
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            hosts = " ".join(f"http://127.0.0.1:{port}" for port in env["WEB_PORTS"].split())
            accepted = retried = settled = 0
            # Increasing load, then the lightest again: does it recover by itself?
            for step, users in enumerate([*args.users, args.users[0]]):
                result = _step(hosts, tokens, users, args.seconds, folder / f"s{step}u{users}")
                accepted += int(result["accepted_posts"])
                retried += int(result["retried_posts"])
                settled += int(result["settled_posts"])
                rows.append(
                    (queue, f"{users}" if step < len(args.users) else f"{users} after", result)
                )
                time.sleep(3)
            stored = _posted_tasks(env)
            effects.append((queue, accepted, stored, retried, settled))
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=120)
    when = f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    print(f"Run on {when}, {machine()}, {args.seconds} s a step.\n")
    for queue, accepted, stored, retried, settled in effects:
        print(
            f"{queue}: {accepted} task posts answered 201, {stored} tasks stored "
            f"({retried} asked again with their key during the load, "
            f"{settled} answered only after their step ended)."
        )
    print()
    print("| queue | people | requests/s | p50 ms | p95 ms | p99 ms | 5xx | refused % |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for queue, users, r in rows:
        print(
            f"| {queue} | {users} | {r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} "
            f"| {r['p99']:.0f} | {r['5xx']:.0f} | {r['refused']:.1f} |"
        )


if __name__ == "__main__":
    main()
