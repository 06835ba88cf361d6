"""Link with another co-op from the command line: `manage.py federation_link coop@host
--as STEWARD` asks it (a Follow, sent at once); `--accept-pending` instead accepts every
co-op that asked us, waiting up to `--wait` seconds for one to ask (the demo's second
co-op, `make run-federation`)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from commonwork.core.errors import DomainError
from commonwork.federation import actions
from commonwork.federation.models import Peer, PeerState
from commonwork.members.models import User


class Command(BaseCommand):
    help = "Ask another co-op to link, or accept the co-ops that asked."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("handle", nargs="?", default="", help="coop@host or an actor URL")
        parser.add_argument("--as", dest="steward", required=True, help="a steward's username")
        parser.add_argument("--accept-pending", action="store_true")
        parser.add_argument("--wait", type=float, default=0.0, help="seconds to wait for a request")

    def handle(self, *args: Any, **options: Any) -> None:
        steward = User.objects.filter(username=options["steward"]).first()
        if steward is None:
            raise CommandError(f"No user {options['steward']!r}.")
        try:
            if options["accept_pending"]:
                self._accept(steward, options["wait"])
            else:
                if not options["handle"]:
                    raise CommandError("Give the co-op's address: coop@host.")
                peer = actions.link_with(actor=steward, handle=options["handle"])
                actions.deliver_due()
                self.stdout.write(f"Asked {peer} ({peer.actor_url}) to link.")
        except DomainError as error:
            raise CommandError(error.message) from error

    def _accept(self, steward: User, wait: float) -> None:
        deadline = time.monotonic() + wait
        while True:
            pending = list(Peer.objects.filter(state=PeerState.PENDING))
            if pending or time.monotonic() >= deadline:
                break
            time.sleep(0.5)
        for peer in pending:
            actions.decide_link(actor=steward, peer_id=peer.pk, accept=True)
            self.stdout.write(f"Linked with {peer} ({peer.actor_url}).")
        actions.deliver_due()
        if not pending:
            raise CommandError("No co-op asked to link.")
