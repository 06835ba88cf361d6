"""Run inside the cluster's Django (manage.py shell): members with API tokens for the
load test, written as JSON to the path in LOAD_TOKENS."""

import json
import os

from django.utils import timezone

from commonwork.members.actions import create_api_token
from commonwork.members.models import Membership, Role, User
from commonwork.work.models import Project

people: dict[str, list[str]] = {"worker": [], "client": [], "reader": [], "projects": []}
stamp = timezone.now().strftime("%H%M%S")
for role, count in (("worker", 40), ("client", 10), ("reader", 20)):
    for n in range(count):
        user = User.objects.create_user(username=f"load-{role}-{stamp}-{n}", password=None)
        Membership.objects.create(
            user=user,
            role=Role.CLIENT if role == "client" else Role.WORKER,
            joined_at=timezone.now(),
        )
        people[role].append(create_api_token(actor=user, name="load test")[1])
        if role == "client":
            project = Project.objects.create(
                client=user, title="load", purpose="load test", created_at=timezone.now()
            )
            people["projects"].append(str(project.pk))
with open(os.environ["LOAD_TOKENS"], "w") as out:
    json.dump(people, out)
