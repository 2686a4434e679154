"""Rates with confidence intervals, and funnel-plot control limits, the way English public health computes them.

- A proportion (a numerator that is part of its denominator: conceptions among girls aged 15 to 17) gets the
  Wilson score interval (PHE Technical Guide, Confidence Intervals, appendix 3; PHEindicatormethods
  ``phe_proportion``).
- A count that may exceed its denominator (intelligence reports per 1,000 children: one child may be in many) is
  a Poisson count: the exact interval from the chi-squared (here, gamma) distribution for small counts, Byar's
  approximation from ``EXACT_BELOW`` up, where the guide finds it within 0.2% of exact (appendices 1 and 2).
- Funnel plots draw, at every denominator, the range the borough rate would give by chance alone, at 95% and at
  99.8%; an area outside the 99.8% limits is called significantly different (`Verdict`). For proportions the
  limits are the observed proportions whose Wilson interval just reaches the borough's (as Fingertips does); for
  counts, the exact or Byar interval around the expected count.

Pure Python over `statistics.NormalDist`: no numerical library is needed for these.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from statistics import NormalDist

from lantern.locality.profiles import FunnelLimit, Verdict

CONFIDENCE_95 = 0.95
CONFIDENCE_998 = 0.998
EXACT_BELOW = 389
"""Counts under this use the exact Poisson interval; from it up, Byar's approximation (both as PHE's tools)."""
FUNNEL_STEPS = 40


class Method(StrEnum):
    WILSON = "wilson"  # a proportion: the numerator is part of the denominator
    POISSON = "poisson"  # a count that may exceed its denominator


@dataclass(frozen=True)
class Rate:
    value: float
    lower: float
    upper: float


def z_for(confidence: float) -> float:
    """The two-sided normal quantile: 1.959964 for 95%, 3.090232 for 99.8%."""
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


# --- Proportions -------------------------------------------------------------------------------------------------


def wilson(numerator: float, denominator: float, confidence: float = CONFIDENCE_95) -> tuple[float, float]:
    """The Wilson score interval for a proportion, as a proportion (0 to 1)."""
    if denominator <= 0:
        raise ValueError("a proportion needs a denominator above zero")
    if numerator < 0 or numerator > denominator:
        raise ValueError("a proportion's numerator lies between zero and its denominator")
    z = z_for(confidence)
    p = numerator / denominator
    centre = 2 * numerator + z * z
    spread = z * math.sqrt(z * z + 4 * numerator * (1 - p))
    scale = 2 * (denominator + z * z)
    return max(0.0, (centre - spread) / scale), min(1.0, (centre + spread) / scale)


def _wilson_control(target: float, n: float, z: float) -> tuple[float, float]:
    """The observed proportions, at denominator n, whose Wilson interval just reaches ``target``: the funnel's
    lower and upper limits. Solves (c - p)^2 = a p (1 - p) + a^2 / 4 for p, where a = z^2 / n and c is the
    target mapped back through the interval's centre, c = target (1 + a) - a / 2."""
    a = z * z / n
    c = target * (1 + a) - a / 2
    b = 2 * c + a
    discriminant = max(0.0, b * b - 4 * (1 + a) * (c * c - a * a / 4))
    root = math.sqrt(discriminant)
    return max(0.0, (b - root) / (2 * (1 + a))), min(1.0, (b + root) / (2 * (1 + a)))


# --- Counts ------------------------------------------------------------------------------------------------------


def _lower_gamma_regularised(shape: float, x: float) -> float:
    """P(shape, x): the regularised lower incomplete gamma function (series below shape + 1, else the continued
    fraction for its complement; Numerical Recipes' scheme, written out here)."""
    if x <= 0:
        return 0.0
    log_front = shape * math.log(x) - x - math.lgamma(shape)
    if x < shape + 1:
        term = total = 1 / shape
        k = shape
        for _ in range(10_000):
            k += 1
            term *= x / k
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return min(1.0, total * math.exp(log_front))
    tiny = 1e-300
    b = x + 1 - shape
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - shape)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            break
    return max(0.0, 1 - math.exp(log_front) * h)


def _solve(f: Callable[[float], float], target: float, low: float, high: float) -> float:
    """Bisection for an increasing function: the x in [low, high] with f(x) = target, to 1 part in 10^10."""
    for _ in range(200):
        mid = (low + high) / 2
        if f(mid) < target:
            low = mid
        else:
            high = mid
        if high - low <= 1e-10 * max(1.0, high):
            break
    return (low + high) / 2


@lru_cache(maxsize=65_536)
def poisson_exact(count: float, confidence: float = CONFIDENCE_95) -> tuple[float, float]:
    """The exact interval for a Poisson count (Garwood): the means under which seeing ``count`` or more (lower),
    or ``count`` or fewer (upper), has probability (1 - confidence) / 2. Equals chi-squared quantiles / 2.
    Solved by bisection inside a bracket around Byar's approximation; cached, since funnels ask again and again."""
    tail = (1 - confidence) / 2
    z = z_for(confidence)
    spread = 2 * z * math.sqrt(count + 1) + 10
    # P(X >= count | mu) = P(count, mu), increasing in mu
    lower = (
        0.0
        if count <= 0
        else _solve(lambda mu: _lower_gamma_regularised(count, mu), tail, max(0.0, count - spread), count)
    )
    # P(X <= count | mu) = 1 - P(count + 1, mu), decreasing in mu: solve P(count + 1, mu) = 1 - tail
    upper = _solve(lambda mu: _lower_gamma_regularised(count + 1, mu), 1 - tail, count, count + 1 + spread)
    return lower, upper


def byar(count: float, confidence: float = CONFIDENCE_95) -> tuple[float, float]:
    """Byar's approximation to the exact Poisson interval (Breslow and Day 1987)."""
    z = z_for(confidence)
    if count <= 0:
        return 0.0, poisson_exact(0, confidence)[1]
    lower = count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    upper = (count + 1) * (1 - 1 / (9 * (count + 1)) + z / (3 * math.sqrt(count + 1))) ** 3
    return max(0.0, lower), upper


def poisson(count: float, confidence: float = CONFIDENCE_95) -> tuple[float, float]:
    return poisson_exact(count, confidence) if count < EXACT_BELOW else byar(count, confidence)


# --- Rates -------------------------------------------------------------------------------------------------------


def rate(numerator: int, denominator: int | None, *, per: int, method: Method) -> Rate | None:
    """The rate per ``per`` with its 95% interval, or None without a denominator."""
    if not denominator or denominator <= 0:
        return None
    if method is Method.WILSON and numerator <= denominator:
        low, high = wilson(numerator, denominator)
        return Rate(per * numerator / denominator, per * low, per * high)
    low, high = poisson(numerator)
    return Rate(per * numerator / denominator, per * low / denominator, per * high / denominator)


# --- Funnel plots ------------------------------------------------------------------------------------------------


def control_limits(target: float, denominator: float, *, per: int, method: Method) -> FunnelLimit:
    """The 95% and 99.8% limits around ``target`` (a rate per ``per``) at one denominator."""
    proportion = target / per
    values: list[float] = []
    for confidence in (CONFIDENCE_95, CONFIDENCE_998):
        if method is Method.WILSON:
            low, high = _wilson_control(min(max(proportion, 0.0), 1.0), denominator, z_for(confidence))
        else:
            expected = proportion * denominator
            low, high = poisson(expected, confidence)
            low, high = low / denominator, high / denominator
        values += [per * low, per * high]
    return FunnelLimit(
        denominator=round(denominator),
        lower95=values[0],
        upper95=values[1],
        lower998=values[2],
        upper998=values[3],
    )


def funnel_limits(
    target: float, denominators: list[int], *, per: int, method: Method, steps: int = FUNNEL_STEPS
) -> list[FunnelLimit]:
    """Limits at ``steps`` denominators spread geometrically over the areas' range (from 1 when it is wide), so the
    curves are smooth where they bend most."""
    positive = [d for d in denominators if d > 0]
    if not positive:
        return []
    smallest, largest = min(positive), max(positive)
    start = 1.0 if largest > 2 * smallest else max(1.0, smallest * 0.9)
    end = max(largest * 1.1, start + 1)
    ratio = (end / start) ** (1 / (steps - 1))
    points = sorted({max(1, round(start * ratio**i)) for i in range(steps)})
    return [control_limits(target, n, per=per, method=method) for n in points]


def verdict(value: float | None, denominator: int | None, target: float | None, *, per: int, method: Method) -> Verdict:
    """Significantly higher or lower than the borough: outside the 99.8% limits at the area's own denominator."""
    if value is None or not denominator or target is None:
        return Verdict.NOT_COMPARED
    limits = control_limits(target, denominator, per=per, method=method)
    if value > limits.upper998:
        return Verdict.HIGHER
    if value < limits.lower998:
        return Verdict.LOWER
    return Verdict.SIMILAR
