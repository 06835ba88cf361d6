"""An independent reference for the policy lab, written in Mesa (the standard Python
agent-based modelling framework) from the model as docs/policylab.md states it — not from
`policylab/simulate.py`. It imports nothing of Commonwork's (a test reads its imports):
its constants are restated here from the document, its dispatch, pay, floor and surplus
rules are its own code, and so are its metrics. Where both agree, the agreement says the
model is the one the document describes, not that a piece of code equals itself
(tests/policylab/test_mesa_reference.py states the tolerances). It is also the baseline
of `bench/policylab.py`'s speed ratio.

Inputs are plain data with the keys of the lab's TOML files (a scenario and a rule set).
Both rule sets are modelled:
- extractive: each task, in posting order, is offered to the nearest free worker within
  the radius; surge pricing when tasks outnumber free workers; piece rates only; a worker
  whose acceptance rate falls below the threshold is deactivated;
- cooperative: a minimum-distance assignment of tasks to free workers within the radius
  each minute (the Hungarian method); a worker at the day's or week's hour cap, or not
  yet rested, is sent home until it passes; onboarding matched to demand; a floor per
  engaged hour paid from the solidarity fund down to minus a deficit limit (beyond it in
  proportion), the fund's debt and running costs out of the fee, the rest of the fee's
  patronage share returned by task time.
"""

from __future__ import annotations

import logging
import math
import statistics
from dataclasses import dataclass, field
from typing import Any

import mesa  # type: ignore[import-untyped]
import numpy as np
from scipy.optimize import linear_sum_assignment

# The model's constants, as docs/policylab.md states them.
SPEED_KM_PER_MINUTE = 15 / 60
HANDLING_MINUTES = 5
PATIENCE_MINUTES = 20
LONGEST_DAY_MINUTES = 16 * 60
ACCEPTANCE_RANGE = (0.85, 1.0)
HOME_SPREAD_KM = 1.5
MINUTES_PER_DAY = 24 * 60

# Mesa logs every model step at INFO; a benchmark's output is not the place for it.
logging.getLogger("MESA").setLevel(logging.WARNING)


@dataclass
class Task:
    posted: int
    x: float
    y: float
    trip_km: float


@dataclass
class Completed:
    client_paid: float
    kept: float
    wait_minutes: float


class Worker(mesa.Agent):  # type: ignore[misc]
    """A courier: plans a shift from a start hour, keeps going while behind their weekly
    target, rides back to the busiest hotspot when idle, has days off."""

    def __init__(self, model: CityModel, x: float, y: float, start_hour: float) -> None:
        super().__init__(model)
        self.x, self.y, self.start_hour = x, y, start_hour
        self.acceptance = model.random.uniform(*ACCEPTANCE_RANGE)
        self.days_off = set(model.random.sample(range(7), model.days_off_per_week))
        self.admitted = True
        self.online = False
        self.busy_until = 0.0
        self.home_until = 0
        self.last_online = -(10**9)
        self.offers = self.declines = 0
        self.online_minutes = self.task_minutes = self.today_minutes = 0
        self.week_minutes = 0
        self.earnings = 0.0
        self.ridden_km = 0.0

    def wants_to_work(self) -> bool:
        model = self.model
        if model.day % 7 in self.days_off or not self.admitted or model.t < self.home_until:
            return False
        hour = model.minute_of_day / 60
        if hour < self.start_hour:
            return False
        if hour < self.start_hour + model.shift_hours:
            return True
        counted = self.earnings
        if model.rules.get("pay_waiting"):
            counted = max(counted, model.floor_per_hour * self.online_minutes / 60)
        target = model.weekly_target * (model.day + hour / 24 + 1) / 7
        return self.today_minutes < LONGEST_DAY_MINUTES and counted < target

    def step(self) -> None:
        was_online = self.online
        self.online = self.wants_to_work()
        rest = self.model.min_rest_minutes
        if self.online and not was_online and self.model.t - self.last_online < rest:
            self.home_until = self.last_online + rest
            self.online = False
        if not self.online:
            return
        self.last_online = self.model.t
        self.online_minutes += 1
        self.today_minutes += 1
        self.week_minutes += 1
        if self.busy_until > self.model.t:
            self.task_minutes += 1
            return
        hub_x, hub_y = self.model.hub
        far = math.hypot(hub_x - self.x, hub_y - self.y)
        if far > 0:
            move = min(far, SPEED_KM_PER_MINUTE) / far
            self.x += (hub_x - self.x) * move
            self.y += (hub_y - self.y) * move

    def is_free(self) -> bool:
        return self.online and self.busy_until <= self.model.t


@dataclass
class Books:
    spent: float = 0.0
    kept: float = 0.0
    solidarity: float = 0.0
    completed: list[Completed] = field(default_factory=list)
    lost: int = 0


class CityModel(mesa.Model):  # type: ignore[misc]
    def __init__(self, scenario: dict[str, Any], rules: dict[str, Any], seed: int) -> None:
        super().__init__(seed=seed)
        self.scenario, self.rules = scenario, rules
        self.np_random = np.random.default_rng(seed)
        self.t = self.day = self.minute_of_day = 0
        self.shift_hours = float(scenario["shift_hours"])
        self.weekly_target = float(scenario["weekly_target_minor"])
        self.days_off_per_week = int(scenario.get("days_off_per_week", 1))
        self.floor_per_hour = float(rules.get("floor_per_hour_minor", 0))
        self.min_rest_minutes = 60 * float(rules.get("min_rest_hours") or 0)
        self.day_cap_minutes = 60 * float(rules.get("max_hours_per_day") or 24)
        self.week_cap_minutes = 60 * float(rules.get("max_hours_per_week") or 24 * 7)
        self.spots = scenario["hotspots"]
        self.spot_weights = [spot["weight"] for spot in self.spots]
        busiest = max(self.spots, key=lambda spot: spot["weight"])
        self.hub = (busiest["x_km"], busiest["y_km"])
        for _ in range(scenario["workers"]):
            spot = self.random.choices(self.spots, weights=self.spot_weights)[0]
            x = self._inside(self.random.gauss(spot["x_km"], HOME_SPREAD_KM))
            y = self._inside(self.random.gauss(spot["y_km"], HOME_SPREAD_KM))
            lunch = self.random.random() < 0.5
            start = self.random.gauss(10.5, 1.5) if lunch else self.random.gauss(15.5, 1.5)
            Worker(self, x, y, min(max(start, 5), 20))
        self.roster: list[Worker] = list(self.agents)
        if rules.get("onboarding") == "matched":
            self._admit_as_demand_needs()
        self.waiting: list[Task] = []
        self.books = Books()

    def _inside(self, value: float) -> float:
        return min(max(value, 0.0), float(self.scenario["city_km"]))

    def _admit_as_demand_needs(self) -> None:
        """As many workers as the expected demand keeps busy the target share of a day."""
        scenario, rules = self.scenario, self.rules
        minutes_per_task = HANDLING_MINUTES + (1.0 + scenario["trip_km_mean"]) / SPEED_KM_PER_MINUTE
        task_hours_per_day = sum(scenario["tasks_per_hour"]) * minutes_per_task / 60
        day_hours = min(self.shift_hours, self.day_cap_minutes / 60)
        needed = math.ceil(task_hours_per_day / (day_hours * rules.get("target_utilisation", 0.7)))
        for worker in self.roster[needed:]:
            worker.admitted = False

    def _post_tasks(self) -> None:
        rate = self.scenario["tasks_per_hour"][self.minute_of_day // 60] / 60
        for _ in range(int(self.np_random.poisson(rate))):
            spot = self.random.choices(self.spots, weights=self.spot_weights)[0]
            self.waiting.append(
                Task(
                    self.t,
                    self._inside(self.random.gauss(spot["x_km"], spot["spread_km"])),
                    self._inside(self.random.gauss(spot["y_km"], spot["spread_km"])),
                    self.random.expovariate(1 / self.scenario["trip_km_mean"]) + 0.3,
                )
            )

    def _new_day(self) -> None:
        for worker in self.roster:
            worker.today_minutes = 0
            if self.day % 7 == 0:
                worker.week_minutes = 0

    def _send_home_at_caps(self, free: list[Worker]) -> list[Worker]:
        """The co-op's caps: at the day's cap until tomorrow, at the week's until Monday."""
        kept = []
        for worker in free:
            if worker.today_minutes >= self.day_cap_minutes:
                worker.home_until = (self.day + 1) * MINUTES_PER_DAY
            elif worker.week_minutes >= self.week_cap_minutes:
                worker.home_until = (self.day // 7 + 1) * 7 * MINUTES_PER_DAY
            else:
                kept.append(worker)
                continue
            worker.online = False
        return kept

    def _pairs(self, free: list[Worker]) -> list[tuple[Task, Worker]]:
        radius = float(self.rules.get("radius_km", 3.0))
        if self.rules.get("dispatch") == "fair_optimal":
            cost = np.array(
                [[math.hypot(w.x - task.x, w.y - task.y) for w in free] for task in self.waiting]
            )
            # Out of reach: a cost no assignment within reach can come near.
            cost[cost > radius] = 1e6
            # Of equally near workers, the one idle longest (a micrometre per minute idle).
            cost += 1e-9 * np.array([w.busy_until for w in free])
            rows, cols = linear_sum_assignment(cost)
            return [
                (self.waiting[r], free[c])
                for r, c in zip(rows, cols, strict=True)
                if cost[r, c] < 1e5
            ]
        pairs = []
        left = list(free)
        for task in self.waiting:
            if not left:
                break
            nearest = min(
                left,
                key=lambda w: (math.hypot(w.x - task.x, w.y - task.y), w.busy_until, w.unique_id),
            )
            if math.hypot(nearest.x - task.x, nearest.y - task.y) <= radius:
                left.remove(nearest)
                pairs.append((task, nearest))
        return pairs

    def _start(self, task: Task, worker: Worker, surging: bool) -> None:
        pickup = math.hypot(worker.x - task.x, worker.y - task.y)
        worker.ridden_km += pickup + task.trip_km
        worker.busy_until = (
            self.t + HANDLING_MINUTES + (pickup + task.trip_km) / SPEED_KM_PER_MINUTE
        )
        angle = self.random.uniform(0, 2 * math.pi)
        worker.x = self._inside(task.x + task.trip_km * math.cos(angle))
        worker.y = self._inside(task.y + task.trip_km * math.sin(angle))
        rules, scenario = self.rules, self.scenario
        price = round(scenario["base_price_minor"] + scenario["per_km_minor"] * task.trip_km)
        premium = round(price * (rules.get("surge_multiplier", 1.0) - 1)) if surging else 0
        fee = price * rules["fee_rate"]
        solidarity = price * rules.get("solidarity_rate", 0.0)
        kept = fee + solidarity + premium * rules.get("surge_kept", 0.0)
        worker.earnings += price + premium - kept
        books = self.books
        books.spent += price + premium
        books.kept += kept
        books.solidarity += solidarity
        wait = self.t - task.posted + pickup / SPEED_KM_PER_MINUTE
        books.completed.append(Completed(price + premium, kept, wait))

    def _decline(self, worker: Worker) -> None:
        worker.declines += 1
        limit = self.rules.get("deactivate_below_acceptance")
        if (
            limit is not None
            and worker.offers >= self.rules.get("deactivation_after_offers", 20)
            and 1 - worker.declines / worker.offers < limit
        ):
            worker.admitted = False

    def step(self) -> None:
        self.day, self.minute_of_day = divmod(self.t, MINUTES_PER_DAY)
        if self.minute_of_day == 0:
            self._new_day()
        self._post_tasks()
        self.agents.do("step")
        patient = [task for task in self.waiting if self.t - task.posted <= PATIENCE_MINUTES]
        self.books.lost += len(self.waiting) - len(patient)
        self.waiting = patient
        free = [worker for worker in self.roster if worker.is_free()]
        if self.rules.get("dispatch") == "fair_optimal":
            free = self._send_home_at_caps(free)
        if self.waiting and free:
            surging = len(self.waiting) > len(free)
            for task, worker in self._pairs(free):
                worker.offers += 1
                if self.random.random() > worker.acceptance:
                    self._decline(worker)
                    continue
                self.waiting.remove(task)
                self._start(task, worker, surging)
        self.t += 1

    def close(self) -> float:
        """The period's close: the floor, then the surplus; returns what went back to the
        workers out of what was kept."""
        rules, books = self.rules, self.books
        returned = 0.0
        margin = max(
            0.0, books.kept - books.solidarity - rules.get("operating_cost_rate", 0.0) * books.spent
        )
        if rules.get("pay_waiting") and self.floor_per_hour:
            due = {
                w: max(0.0, self.floor_per_hour * w.online_minutes / 60 - w.earnings)
                for w in self.roster
            }
            owed = sum(due.values())
            if rules.get("floor_from_fund", True):
                can_pay = max(
                    0.0, books.solidarity + rules.get("floor_deficit_limit_minor", 50_000)
                )
            else:
                can_pay = margin
            share = 1.0 if owed <= can_pay else can_pay / owed
            for worker, top_up in due.items():
                worker.earnings += top_up * share
            paid = owed * share
            returned += paid
            debt = max(0.0, paid - books.solidarity) if rules.get("floor_from_fund", True) else paid
            margin = max(0.0, margin - debt)
        if rules.get("surplus_returned") and margin > 0:
            patronage = margin * rules.get("surplus_patronage_share", 0.6)
            labour = sum(w.task_minutes for w in self.roster)
            for worker in self.roster:
                if labour:
                    worker.earnings += patronage * worker.task_minutes / labour
            returned += patronage if labour else 0.0
        return returned


@dataclass(frozen=True)
class ReferenceMetrics:
    """The four measures the reference is compared on, by its own formulas."""

    hourly_pay_median: float  # (earnings − vehicle costs) ÷ working hours, waiting counted
    paid_share_of_time: float  # Σ task time ÷ Σ working time
    platform_share: float  # (Σ kept − Σ returned to workers) ÷ Σ paid by clients
    wait_median: float  # minutes from posting to the start, completed tasks
    ridden_km: float  # all workers' kilometres (their vehicle costs follow from it)


def run_reference(
    scenario: dict[str, Any], rules: dict[str, Any], *, seed: int | None = None
) -> ReferenceMetrics:
    model = CityModel(scenario, rules, scenario.get("seed", 2026) if seed is None else seed)
    for _ in range(scenario["days"] * MINUTES_PER_DAY):
        model.step()
    returned = model.close()
    workers = [w for w in model.roster if w.online_minutes > 0]
    cost_per_km = scenario["cost_per_km_minor"]
    books = model.books
    return ReferenceMetrics(
        hourly_pay_median=statistics.median(
            (w.earnings - w.ridden_km * cost_per_km) / (w.online_minutes / 60) for w in workers
        ),
        paid_share_of_time=sum(w.task_minutes for w in workers)
        / sum(w.online_minutes for w in workers),
        platform_share=(books.kept - returned) / books.spent,
        wait_median=statistics.median(task.wait_minutes for task in books.completed),
        ridden_km=sum(w.ridden_km for w in workers),
    )
