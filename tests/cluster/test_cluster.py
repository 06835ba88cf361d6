"""The multi-process layout of `make run-cluster`, started for real: PostgreSQL primary and
streaming standby, Redis, two gunicorn web processes, two RQ workers and two schedulers on
loopback ports. Faults are made as an operator would meet them — SIGKILL of a web worker
mid-request, of the leading scheduler, of a task worker mid-round, of work horses
mid-export and mid-close, a PostgreSQL restart under load — and afterwards every accepted
request's effect is there exactly once, no member holds two offers for one task, killed
jobs have run again, and verify_audit, check_books, verify_results and bean-check pass.
The PostgreSQL pass of `make test` runs it (about three minutes)."""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests
from redis import Redis
from rq.job import Job

from commonwork.core.jobs import RQ_RETRY_INTERVALS

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "run-cluster.sh"
PG_CLUSTER = str(ROOT / "scripts" / "pg-cluster.sh")
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


class Cluster:
    def __init__(self, folder: Path, process: subprocess.Popen[str]) -> None:
        self.folder = folder
        self.process = process
        self.env = dict(os.environ)
        for line in (folder / "cluster.env").read_text().splitlines():
            name, _, value = line.partition("=")
            self.env[name] = value.strip('"')
        # The platform's own settings, whatever the test runner's are (under those, jobs
        # would run at once in the caller instead of going to the cluster's queue).
        self.env.update(DEBUG="1", LOG_FORMAT="text", DJANGO_SETTINGS_MODULE="commonwork.settings")
        self.web_ports = [int(port) for port in self.env["WEB_PORTS"].split()]

    def url(self, path: str, *, web: int = 0) -> str:
        return f"http://127.0.0.1:{self.web_ports[web]}{path}"

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)}:\n{done.stdout}\n{done.stderr}")
        return done

    def python(self, code: str) -> Any:
        """Run code in the cluster's Django (as `manage.py shell`); its printed JSON."""
        return json.loads(self.manage("shell", "-c", code).stdout.strip().splitlines()[-1])

    def sql(self, query: str, *params: Any) -> Any:
        """The first column of the first row of a query on the primary (quicker to ask
        than booting Django for it)."""
        with psycopg.connect(self.env["DATABASE_URL"], autocommit=True) as connection:
            row = connection.execute(query, params).fetchone()
        return row[0] if row else None

    def pids(self, pattern: str) -> list[int]:
        found = subprocess.run(  # noqa: S603
            [shutil.which("pgrep") or "/usr/bin/pgrep", "-f", pattern],
            capture_output=True,
            text=True,
            check=False,
        )
        mine = []
        for pid in map(int, found.stdout.split()):
            with contextlib.suppress(OSError):
                environ = Path(f"/proc/{pid}/environ").read_bytes()
                if self.env["REDIS_URL"].encode() in environ:
                    mine.append(pid)
        return mine

    def log_tails(self, lines: int = 25) -> str:
        """The last lines of each process's log."""
        tails = []
        for log in sorted(self.folder.glob("*.log")):
            text = log.read_text(errors="replace").splitlines()[-lines:]
            tails.append(f"--- {log.name}\n" + "\n".join(text))
        return "\n".join(tails)

    def health(self, web: int = 0) -> dict[str, Any]:
        return requests.get(self.url("/healthz", web=web), timeout=10).json()  # type: ignore[no-any-return]


def _wait(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if condition():
                return
        time.sleep(0.5)
    raise AssertionError(f"not within {seconds} s: {what}")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    # Not under pytest's own temporary folder: PostgreSQL's server user must reach it.
    folder = Path(tempfile.mkdtemp(prefix="commonwork-cluster-"))
    folder.chmod(0o755)
    env = {
        **os.environ,
        "CLUSTER_DIR": str(folder),
        # The demo's weeks of past work take most of a start; no fault needs them.
        "CLUSTER_DEMO_HISTORY": "0",
        "WEB_PORTS": f"{_free_port()} {_free_port()}",
        "PY": sys.executable,
    }
    for name in ("DATABASE_URL", "DATABASE_REPLICA_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    process = subprocess.Popen(  # noqa: S603 - our own script
        [str(SCRIPT)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    lines = []
    deadline = time.monotonic() + 600
    for line in process.stdout:
        lines.append(line)
        if line.strip() == "ready" or time.monotonic() > deadline:
            break
    if not lines or lines[-1].strip() != "ready":
        process.kill()
        raise AssertionError("the cluster did not start:\n" + "".join(lines))
    try:
        yield Cluster(folder, process)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def client_api(cluster: Cluster) -> dict[str, Any]:
    """dan's API token and project, made in the cluster's database."""
    return cluster.python(  # type: ignore[no-any-return]
        "import json;"
        "from commonwork.members.models import User;"
        "from commonwork.members.actions import create_api_token;"
        "from commonwork.work.models import Project;"
        "dan = User.objects.get(username='dan');"
        "print(json.dumps({'token': create_api_token(actor=dan, name='faults')[1],"
        " 'project': Project.objects.filter(client=dan).first().pk}))"
    )


def _task(api: dict[str, Any], title: str) -> dict[str, Any]:
    return {
        "project_id": api["project"],
        "title": title,
        "kind": "remote",
        "estimated_minutes": 20,
        "deadline": (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat(),
    }


def _post_task(
    cluster: Cluster, api: dict[str, Any], key: str, body: dict[str, Any], web: int
) -> int | None:
    """POST one task with an idempotency key: its status, or None when the connection
    broke. A retry sends the same key with the same body (a different body under one key
    is refused: the key names one request)."""
    try:
        response = requests.post(
            cluster.url("/api/v1/tasks", web=web),
            json=body,
            headers={"Authorization": f"Bearer {api['token']}", "Idempotency-Key": key},
            timeout=20,
        )
    except requests.RequestException:
        return None
    return response.status_code


def _post_until_accepted(
    cluster: Cluster, api: dict[str, Any], marker: str, count: int, during: Callable[[], None]
) -> list[int]:
    """Post `count` tasks from 4 threads across both web processes while `during` makes
    a fault; retry each broken or refused request with its key. Every status seen."""
    statuses: list[int] = []

    def one(n: int) -> None:
        key = f"{marker}-{n}"
        body = _task(api, f"{marker} {n}")
        seen = []
        for attempt in range(60):
            status = _post_task(cluster, api, key, body, web=(n + attempt) % 2)
            seen.append(status)
            if status is not None:
                statuses.append(status)
            if status == 201:
                return
            time.sleep(0.5)
        raise AssertionError(f"request {key} never accepted: {seen}")

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(one, n) for n in range(count)]
        time.sleep(0.5)
        during()
        for future in futures:
            future.result()
    return statuses


def _both_answer(cluster: Cluster) -> bool:
    return all(cluster.health(web)["database"] == "ok" for web in (0, 1))


def _tasks_titled(cluster: Cluster, marker: str) -> dict[str, int]:
    return cluster.python(  # type: ignore[no-any-return]
        "import json; from collections import Counter;"
        "from commonwork.work.models import Task;"
        f"print(json.dumps(Counter(Task.objects.filter(title__startswith={marker!r})"
        ".values_list('title', flat=True))))"
    )


def test_two_web_processes_answer_and_one_scheduler_leads(cluster: Cluster) -> None:
    for web in (0, 1):
        health = cluster.health(web)
        assert health["database"] == "ok"
        assert health["queue"]["backend"] == "redis"
    _wait(lambda: cluster.health()["scheduler"]["ok"], 30, "a scheduler leads")
    assert cluster.sql("SELECT count(*) FROM core_schedulerlease") == 1
    assert len(cluster.pids("manage.py run_scheduler")) == 2
    # the standby streams from the primary
    assert cluster.sql("SELECT count(*) FROM pg_stat_replication") == 1


def test_a_web_worker_killed_mid_request_loses_and_doubles_nothing(
    cluster: Cluster, client_api: dict[str, Any]
) -> None:
    marker = f"webkill-{uuid.uuid4().hex[:6]}"

    def kill_web_workers() -> None:
        for _ in range(3):
            for pid in cluster.pids("gunicorn commonwork.wsgi"):
                children = Path(f"/proc/{pid}/task/{pid}/children")
                with contextlib.suppress(OSError):
                    for child in children.read_text().split():
                        os.kill(int(child), signal.SIGKILL)
            time.sleep(0.7)

    statuses = _post_until_accepted(cluster, client_api, marker, 24, kill_web_workers)

    assert 500 not in statuses
    assert _tasks_titled(cluster, marker) == {f"{marker} {n}": 1 for n in range(24)}
    _wait(lambda: _both_answer(cluster), 30, "both web processes answer")


def test_the_leading_scheduler_killed_another_takes_over(cluster: Cluster) -> None:
    read_holder = "SELECT holder FROM core_schedulerlease"
    _wait(lambda: cluster.health()["scheduler"]["ok"], 30, "a scheduler leads")
    holder = cluster.sql(read_holder)
    leader = int(holder.split(":")[1])
    os.kill(leader, signal.SIGKILL)

    _wait(lambda: cluster.sql(read_holder) != holder, 20, "another scheduler leads")
    _wait(lambda: cluster.health()["scheduler"]["ok"], 20, "the heartbeat is fresh")


def _killed_job(cluster: Cluster, task: str, args: list[Any] | None = None) -> bool:
    """Whether an RQ job of `task` (with these arguments, if given) has lost a work horse:
    RQ has spent one of the retries every job gets (core.jobs.RetryingQueue)."""
    redis = Redis.from_url(cluster.env["REDIS_URL"])
    for key in redis.scan_iter("rq:job:*"):
        parts = key.decode().split(":")
        if len(parts) != 3:
            continue
        with contextlib.suppress(Exception):
            job = Job.fetch(parts[2], connection=redis)
            if (
                (job.func_name or "").endswith(f".{task}")
                and args in (None, list(job.args))
                and (job.retries_left or 0) < len(RQ_RETRY_INTERVALS)
            ):
                return True
    return False


def _work_horses(worker: int) -> list[int]:
    """The processes an RQ worker forked to run its current job. Each leads its own
    process group (so RQ can kill it whole); the worker's scheduler process does not."""
    horses = []
    with contextlib.suppress(OSError):
        for child in Path(f"/proc/{worker}/task/{worker}/children").read_text().split():
            stat = Path(f"/proc/{child}/stat").read_text()
            process_group = int(stat.rpartition(")")[2].split()[2])
            if process_group == int(child):
                horses.append(int(child))
    return horses


@contextlib.contextmanager
def _work_horses_killed(cluster: Cluster) -> Iterator[None]:
    """Within the block, every RQ work horse is SIGKILLed as soon as it is seen (not a
    worker's scheduler process: that one puts the jobs due for a retry back in the
    queue). The jobs they ran are run again 10 s later."""
    workers = cluster.pids("rqworker")
    stop = threading.Event()

    def kill_horses() -> None:
        while not stop.is_set():
            for worker in workers:
                for horse in _work_horses(worker):
                    with contextlib.suppress(OSError):
                        os.kill(horse, signal.SIGKILL)
            time.sleep(0.002)

    killer = threading.Thread(target=kill_horses, daemon=True)
    killer.start()
    try:
        yield
    finally:
        stop.set()
        killer.join()


def test_a_task_worker_killed_mid_export_runs_it_again(cluster: Cluster) -> None:
    """A one-off job whose work horse is SIGKILLed is run again (RQ retries, core.jobs)."""
    with _work_horses_killed(cluster):
        # when: a member asks for their export, and its job's horse is killed
        export_id = cluster.python(
            "import json; from commonwork.members.models import User;"
            "from commonwork.vault.actions import request_export;"
            "print(json.dumps(request_export(actor=User.objects.get(username='carol')).pk))"
        )
        _wait(
            lambda: _killed_job(cluster, "prepare_export", [export_id]),
            30,
            "the export's work horse is killed",
        )
    # then: it runs again on its own, and the export is ready
    ready = "SELECT status FROM vault_dataexport WHERE id = %s"
    _wait(lambda: cluster.sql(ready, export_id) == "ready", 60, "the killed export is ready")


def test_a_task_worker_killed_mid_close_closes_each_period_once(cluster: Cluster) -> None:
    """Pay periods of one day make many closes due at once (one transaction each); the
    job closing them loses its work horse midway, runs again, and every period is closed
    once and whole (check_books here, bean-check with the others at the end)."""
    cluster.manage(
        "set_parameter", "pay_period_days", "1", "--steward", "alice", "--reason", "fault test"
    )
    all_closed = (
        "import json; from django.utils import timezone;"
        "from commonwork.ledger.actions.periods import next_period_start;"
        "print(json.dumps(next_period_start() >= timezone.localdate()))"
    )
    assert cluster.python(all_closed) is False
    with _work_horses_killed(cluster):
        cluster.python(
            "from commonwork.ledger.tasks import close_due_pay_periods;"
            "close_due_pay_periods.enqueue(); print(1)"
        )
        _wait(
            lambda: _killed_job(cluster, "close_due_pay_periods"),
            30,
            "a close's work horse is killed",
        )
    _wait(lambda: cluster.python(all_closed), 90, "every due period is closed")
    # no close left half done or done twice: the periods follow each other without a gap
    # or an overlap, and each has the one audit entry its close writes last
    gaps = cluster.sql(
        "SELECT count(*) FROM (SELECT ends_on, lead(starts_on) OVER (ORDER BY starts_on)"
        " AS next FROM ledger_payperiod) AS p WHERE next IS NOT NULL AND next <> ends_on"
    )
    assert gaps == 0
    closes = "SELECT count(*) FROM core_auditentry WHERE action = 'ledger.period_closed'"
    assert cluster.sql(closes) == cluster.sql("SELECT count(*) FROM ledger_payperiod")
    cluster.manage("check_books")


def test_a_task_worker_killed_mid_round_leaves_no_double_offer(
    cluster: Cluster, client_api: dict[str, Any]
) -> None:
    count_rounds = "SELECT count(*) FROM dispatch_dispatchround"
    # given: work to place, so that every tick's rounds run and are stored
    for n in range(3):
        assert (
            _post_task(cluster, client_api, uuid.uuid4().hex, _task(client_api, f"round {n}"), 0)
            == 201
        )
    before = cluster.sql(count_rounds)
    _wait(lambda: cluster.sql(count_rounds) > before, 60, "a round runs")
    # when: one RQ worker, and the work horse it forked for its current job, are killed
    victim = cluster.pids("rqworker")[0]
    with contextlib.suppress(OSError):
        for child in Path(f"/proc/{victim}/task/{victim}/children").read_text().split():
            os.kill(int(child), signal.SIGKILL)
    os.kill(victim, signal.SIGKILL)
    # then: the other worker runs the next ticks' rounds (new work changes their input)
    for n in range(3):
        assert (
            _post_task(cluster, client_api, uuid.uuid4().hex, _task(client_api, f"after {n}"), 1)
            == 201
        )
    after_kill = cluster.sql(count_rounds)
    _wait(lambda: cluster.sql(count_rounds) > after_kill, 90, "a round after the kill")
    # and no member holds two pending offers, nor any task two
    doubles = cluster.python(
        "import json; from django.db.models import Count;"
        "from commonwork.work.models import Offer, OfferStatus;"
        "pending = Offer.objects.filter(status=OfferStatus.PENDING);"
        "print(json.dumps([list(pending.values('task').annotate(n=Count('id')).filter(n__gt=1)"
        ".values_list('task', flat=True)), list(pending.values('worker')"
        ".annotate(n=Count('id')).filter(n__gt=1).values_list('worker', flat=True))]))"
    )
    assert doubles == [[], []]


def test_postgres_restarted_under_load_loses_and_doubles_nothing(
    cluster: Cluster, client_api: dict[str, Any]
) -> None:
    marker = f"pgrestart-{uuid.uuid4().hex[:6]}"
    primary = cluster.folder / "primary"

    def restart() -> None:
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(  # noqa: S603
            [
                *as_postgres,
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(primary / "data"),
                "-m",
                "fast",
                "-w",
                "-l",
                str(primary / "server.log"),  # the server must not hold our pipes open
                "restart",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=120,
        )

    statuses = _post_until_accepted(cluster, client_api, marker, 24, restart)

    assert 500 not in statuses
    assert _tasks_titled(cluster, marker) == {f"{marker} {n}": 1 for n in range(24)}
    _wait(lambda: _both_answer(cluster), 60, "the database is back for both")


def test_a_paused_standby_never_hides_a_members_own_write(cluster: Cluster) -> None:
    """The transparency page may read the standby; with the standby paused, a browser
    that has just written reads the primary, and one that has not reads the standby."""
    standby = cluster.folder / "standby"
    subprocess.run([PG_CLUSTER, "pause", str(standby)], check=True, timeout=60)  # noqa: S603
    try:
        routed = cluster.python(
            "import json; from django.db import connections, reset_queries;"
            "from django.test import Client;"
            "from commonwork.members.models import User;"
            "writer = Client(); writer.force_login(User.objects.get(username='dan'));"
            "writer.post('/i18n/setlang/', {'language': 'en'});"
            "reset_queries();"
            "writer.get('/transparency/');"
            "wrote = [len(connections['default'].queries), len(connections['replica'].queries)];"
            "reset_queries();"
            "Client().get('/transparency/');"
            "fresh = [len(connections['default'].queries), len(connections['replica'].queries)];"
            "print(json.dumps([wrote, fresh, 'cw_wal' in writer.cookies]))"
        )
    finally:
        subprocess.run(  # noqa: S603
            [PG_CLUSTER, "resume", str(standby)],
            check=True,
            timeout=60,
        )
    (wrote_default, wrote_replica), (_, fresh_replica), cookie = routed
    assert cookie
    assert wrote_replica == 1  # only the question how far the standby has replayed
    assert wrote_default > 0
    assert fresh_replica > 1  # the page itself read the standby


def test_afterwards_the_log_the_books_and_the_results_check_out(cluster: Cluster) -> None:
    cluster.manage("verify_audit")
    cluster.manage("check_books")
    cluster.manage("verify_results")
    books = cluster.folder / "books.beancount"
    cluster.manage("export_beancount", "--out", str(books))
    bean_check = Path(sys.executable).parent / "bean-check"
    done = subprocess.run(  # noqa: S603
        [str(bean_check), str(books)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
