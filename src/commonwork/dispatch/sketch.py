"""A round as a picture, for the people it concerned: the task at the centre, the dispatch
radius around it, the worker it was offered to and the next-best worker at their
distances to scale. Directions are not drawn: where a worker was is theirs (the vault's
rule), how far they were is the explanation. Pure: distances in, an SVG out, with no
words inside (the page's legend names the marks in the reader's language)."""

from __future__ import annotations

import math

SIZE = 220
MARGIN = 18
# Fixed bearings, not the real ones: the chosen worker up and right, the next one down
# and left.
BEARINGS = {"chosen": math.radians(-35), "next": math.radians(145)}


def sketch(*, radius_km: float, chosen_km: float | None, next_km: float | None) -> str:
    """The SVG; "" without a chosen worker's distance (a remote task, a redacted round)."""
    if chosen_km is None or radius_km <= 0:
        return ""
    marks = [("chosen", chosen_km), *([("next", next_km)] if next_km is not None else [])]
    reach = max(radius_km, *(km for _kind, km in marks))
    scale = (SIZE / 2 - MARGIN) / reach
    centre = SIZE / 2
    parts = [f'<circle cx="{centre}" cy="{centre}" r="{radius_km * scale:.1f}" class="radius"/>']
    for kind, km in marks:
        x = centre + math.cos(BEARINGS[kind]) * km * scale
        y = centre + math.sin(BEARINGS[kind]) * km * scale
        parts.append(
            f'<line x1="{centre}" y1="{centre}" x2="{x:.1f}" y2="{y:.1f}" class="{kind}"/>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" class="{kind}"/>'
        )
    parts.append(f'<rect x="{centre - 6}" y="{centre - 6}" width="12" height="12" class="task"/>')
    return (
        f'<svg class="round-sketch" role="img" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 {SIZE} {SIZE}">{"".join(parts)}</svg>'
    )
