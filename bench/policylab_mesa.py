"""The policy lab's model written again in Mesa, the standard Python agent-based
modelling framework: an outside check on `policylab/simulate.py` (the same rules give the
same metrics within sampling error, tests/policylab/test_mesa_reference.py) and the
baseline of `bench/policylab.py`'s speed ratio.

Written the way Mesa models are: one agent per worker with a `step`, a model whose
`step` is one minute, tasks as plain records. Extractive rules (nearest dispatch, piece
rates, surge) only: the reference checks the shared world and behaviour model; the
co-op's solver is the same code in both.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import mesa  # type: ignore[import-untyped]
import numpy as np

from commonwork.observatory.metrics import TaskRecord, WorkerPeriod
from commonwork.policylab.config import RuleSet, Scenario
from commonwork.policylab.simulate import (
    HANDLING_MINUTES,
    LONGEST_DAY_HOURS,
    PATIENCE_MINUTES,
    SPEED_KM_PER_MINUTE,
    Outcome,
)

# Mesa logs every model step at INFO; a benchmark's output is not the place for it.
logging.getLogger("MESA").setLevel(logging.WARNING)


class Worker(mesa.Agent):  # type: ignore[misc]
    def __init__(self, model: CityModel, x: float, y: float, start_hour: float) -> None:
        super().__init__(model)
        self.x, self.y, self.start_hour = x, y, start_hour
        self.busy_until = 0.0
        self.acceptance = model.random.uniform(0.85, 1.0)
        self.offers = 0
        self.declines = 0
        self.deactivated = False
        self.online = False
        self.online_minutes = 0
        self.today_minutes = 0
        self.task_minutes = 0
        self.earnings = 0.0
        self.ridden_km = 0.0

    def step(self) -> None:
        model = self.model
        hour = model.minute_of_day / 60
        planned = self.start_hour <= hour < self.start_hour + model.scenario.shift_hours
        target = model.scenario.weekly_target_minor * (model.day + hour / 24 + 1) / 7
        extended = (
            hour >= self.start_hour
            and self.today_minutes < LONGEST_DAY_HOURS * 60
            and self.earnings < target
        )
        self.online = (planned or extended) and not self.deactivated
        if not self.online:
            return
        self.online_minutes += 1
        self.today_minutes += 1
        if self.busy_until > model.t:
            self.task_minutes += 1
            return
        far = math.hypot(model.hub[0] - self.x, model.hub[1] - self.y)
        if far > 0:
            step = min(far, SPEED_KM_PER_MINUTE) / far
            self.x += (model.hub[0] - self.x) * step
            self.y += (model.hub[1] - self.y) * step


class CityModel(mesa.Model):  # type: ignore[misc]
    def __init__(self, scenario: Scenario, rules: RuleSet, seed: int) -> None:
        super().__init__(seed=seed)
        self.scenario, self.rules = scenario, rules
        self.np_random = np.random.default_rng(seed)
        self.t = 0
        self.day = 0
        self.minute_of_day = 0
        busiest = max(scenario.hotspots, key=lambda h: h.weight)
        self.hub = (busiest.x_km, busiest.y_km)
        weights = [h.weight for h in scenario.hotspots]
        for _ in range(scenario.workers):
            spot = self.random.choices(scenario.hotspots, weights=weights)[0]
            x = min(max(self.random.gauss(spot.x_km, 1.5), 0), scenario.city_km)
            y = min(max(self.random.gauss(spot.y_km, 1.5), 0), scenario.city_km)
            lunch = self.random.random() < 0.5
            start = self.random.gauss(10.5, 1.5) if lunch else self.random.gauss(15.5, 1.5)
            Worker(self, x, y, min(max(start, 5), 20))
        self.waiting: list[dict[str, Any]] = []
        self.records: list[TaskRecord] = []

    def _post_tasks(self) -> None:
        scenario = self.scenario
        rate = scenario.tasks_per_hour[self.minute_of_day // 60] / 60
        weights = [h.weight for h in scenario.hotspots]
        for _ in range(int(self.np_random.poisson(rate))):
            spot = self.random.choices(scenario.hotspots, weights=weights)[0]
            self.waiting.append(
                {
                    "posted": self.t,
                    "x": min(
                        max(self.random.gauss(spot.x_km, spot.spread_km), 0), scenario.city_km
                    ),
                    "y": min(
                        max(self.random.gauss(spot.y_km, spot.spread_km), 0), scenario.city_km
                    ),
                    "trip": self.random.expovariate(1 / scenario.trip_km_mean) + 0.3,
                }
            )

    def step(self) -> None:
        self.day, self.minute_of_day = divmod(self.t, 24 * 60)
        if self.minute_of_day == 0:
            for worker in self.agents:
                worker.today_minutes = 0
        self._post_tasks()
        self.agents.do("step")
        still = [task for task in self.waiting if self.t - task["posted"] <= PATIENCE_MINUTES]
        self.records.extend(
            TaskRecord(0, 0, 0, None) for _ in range(len(self.waiting) - len(still))
        )
        self.waiting = still
        free = [w for w in self.agents if w.online and w.busy_until <= self.t]
        surging = len(self.waiting) > len(free)
        for task in list(self.waiting):
            if not free:
                break
            nearest = min(free, key=lambda w: math.hypot(w.x - task["x"], w.y - task["y"]))
            pickup = math.hypot(nearest.x - task["x"], nearest.y - task["y"])
            if pickup > self.rules.radius_km:
                continue
            free.remove(nearest)
            nearest.offers += 1
            if self.random.random() > nearest.acceptance:
                nearest.declines += 1
                limit = self.rules.deactivate_below_acceptance
                if (
                    limit is not None
                    and nearest.offers >= self.rules.deactivation_after_offers
                    and 1 - nearest.declines / nearest.offers < limit
                ):
                    nearest.deactivated = True
                continue
            self.waiting.remove(task)
            # The ride to the pickup and the trip: what the worker's own vehicle costs.
            nearest.ridden_km += pickup + task["trip"]
            nearest.busy_until = (
                self.t + HANDLING_MINUTES + (pickup + task["trip"]) / SPEED_KM_PER_MINUTE
            )
            angle = self.random.uniform(0, 2 * math.pi)
            nearest.x = min(
                max(task["x"] + task["trip"] * math.cos(angle), 0), self.scenario.city_km
            )
            nearest.y = min(
                max(task["y"] + task["trip"] * math.sin(angle), 0), self.scenario.city_km
            )
            price = self.scenario.base_price_minor + self.scenario.per_km_minor * task["trip"]
            paid = price * (self.rules.surge_multiplier if surging else 1.0)
            kept = price * (self.rules.fee_rate + self.rules.solidarity_rate)
            kept += (paid - price) * self.rules.surge_kept
            nearest.earnings += paid - kept
            wait = self.t - task["posted"] + pickup / SPEED_KM_PER_MINUTE
            self.records.append(TaskRecord(round(paid), round(paid - kept), round(kept), wait))
        self.t += 1


def run_reference(scenario: Scenario, rules: RuleSet, *, seed: int | None = None) -> Outcome:
    model = CityModel(scenario, rules, scenario.seed if seed is None else seed)
    for _ in range(scenario.days * 24 * 60):
        model.step()
    model.records.extend(TaskRecord(0, 0, 0, None) for _ in model.waiting)
    workers = tuple(
        WorkerPeriod(
            i,
            w.online_minutes / 60,
            w.task_minutes / 60,
            round(w.earnings),
            scenario.days,
            round(w.ridden_km * scenario.cost_per_km_minor),
        )
        for i, w in enumerate(model.agents)
        if w.online_minutes > 0
    )
    return Outcome(scenario.name, rules.name, workers, tuple(model.records))
