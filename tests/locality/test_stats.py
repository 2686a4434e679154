"""Rates, intervals and funnel limits against published worked examples."""

from __future__ import annotations

import pytest

from lantern.locality import stats
from lantern.locality.profiles import Verdict

# PHEindicatormethods' published funnel outputs for proportions (tests/testthat/testdata_funnel_prop_outputs.csv):
# a baseline of 80.642448% and, at each population, the 95% (2s) and 99.8% (3s) limits, in percent.
PHE_FUNNEL_PROPORTIONS = [
    (3, 35.933491, 100, 10.150815, 100),
    (18, 62.390093, 98.894803, 51.864359, 100),
    (41, 68.548635, 92.73626, 61.574398, 99.710497),
    (1008, 78.203374, 83.081521, 76.796814, 84.488082),
    (110000, 80.408963, 80.875933, 80.274317, 81.010578),
]


def test_wilson_against_newcombe_and_altman() -> None:
    # Newcombe RG, Altman DG, Statistics with Confidence (2000) p.46-48: 81/263 and 15/148; 0/20.
    assert stats.wilson(81, 263) == pytest.approx((0.2553, 0.3662), abs=5e-5)
    assert stats.wilson(15, 148) == pytest.approx((0.0624, 0.1605), abs=5e-5)
    assert stats.wilson(0, 20) == pytest.approx((0.0, 0.1611), abs=5e-5)


def test_wilson_refuses_impossible_proportions() -> None:
    with pytest.raises(ValueError, match="between zero and its denominator"):
        stats.wilson(11, 10)
    with pytest.raises(ValueError, match="above zero"):
        stats.wilson(0, 0)


def test_exact_poisson_interval() -> None:
    # Garwood's exact limits: 0 -> (0, 3.689), 1 -> (0.0253, 5.572); 65 -> chi-squared quantiles / 2.
    assert stats.poisson_exact(0) == pytest.approx((0.0, 3.6889), abs=1e-4)
    assert stats.poisson_exact(1) == pytest.approx((0.0253, 5.5716), abs=1e-4)
    assert stats.poisson_exact(65) == pytest.approx((50.17, 82.85), abs=5e-3)
    # DescTools' PoissonCI "exact" for the horse-kick data: 196 deaths in 280 corps-years.
    low, high = stats.poisson_exact(196)
    assert (low / 280, high / 280) == pytest.approx((0.6054271, 0.8051570), abs=1e-6)


@pytest.mark.parametrize("count", [10, 65, 388, 1045])
def test_byar_is_within_the_guides_tolerance_of_exact_from_ten(count: int) -> None:
    # PHE Technical Guide, Confidence Intervals: Byar's method is within 0.2% of exact for numerators of 10 or more.
    exact, byar = stats.poisson_exact(count), stats.byar(count)
    assert byar[0] == pytest.approx(exact[0], rel=2e-3)
    assert byar[1] == pytest.approx(exact[1], rel=2e-3)


def test_rates_per_thousand() -> None:
    proportion = stats.rate(81, 263, per=1000, method=stats.Method.WILSON)
    assert proportion is not None
    assert (round(proportion.value, 1), round(proportion.lower, 1), round(proportion.upper, 1)) == (308.0, 255.3, 366.2)
    count = stats.rate(65, 10_000, per=1000, method=stats.Method.POISSON)
    assert count is not None
    assert (count.value, round(count.lower, 3), round(count.upper, 3)) == (6.5, 5.017, 8.285)
    assert stats.rate(3, None, per=1000, method=stats.Method.POISSON) is None
    assert stats.rate(3, 0, per=1000, method=stats.Method.POISSON) is None


@pytest.mark.parametrize(("n", "lower95", "upper95", "lower998", "upper998"), PHE_FUNNEL_PROPORTIONS)
def test_proportion_funnel_limits_match_phe(
    n: int, lower95: float, upper95: float, lower998: float, upper998: float
) -> None:
    limits = stats.control_limits(80.642448, n, per=100, method=stats.Method.WILSON)
    assert (limits.lower95, limits.upper95, limits.lower998, limits.upper998) == pytest.approx(
        (lower95, upper95, lower998, upper998), abs=1e-5
    )


def test_count_funnel_limits_are_the_interval_around_the_expected_count() -> None:
    # Borough rate 10 per 1,000; at 2,000 children 20 are expected: the limits are the exact interval around 20.
    limits = stats.control_limits(10.0, 2000, per=1000, method=stats.Method.POISSON)
    low95, high95 = stats.poisson_exact(20)
    assert (limits.lower95, limits.upper95) == pytest.approx((low95 / 2, high95 / 2))
    assert limits.lower998 < limits.lower95 < 10 < limits.upper95 < limits.upper998


def test_funnel_spans_the_denominators_smoothly() -> None:
    limits = stats.funnel_limits(10.0, [400, 900, 2500], per=1000, method=stats.Method.POISSON)
    denominators = [limit.denominator for limit in limits]
    assert denominators == sorted(set(denominators))
    assert denominators[0] == 1  # a wide range starts the funnel at 1, as PHE's tool does
    assert denominators[-1] >= 2500
    widths = [limit.upper95 - limit.lower95 for limit in limits]
    assert widths == sorted(widths, reverse=True)  # the funnel narrows as the denominator grows
    assert stats.funnel_limits(10.0, [], per=1000, method=stats.Method.POISSON) == []


def test_verdicts_use_the_998_limits() -> None:
    # 1,000 children and a borough rate of 10 per 1,000: 10 expected. 19 is outside 95% but inside 99.8%; 25 is out.
    poisson = stats.Method.POISSON
    assert stats.verdict(19.0, 1000, 10.0, per=1000, method=poisson) is Verdict.SIMILAR
    assert stats.verdict(25.0, 1000, 10.0, per=1000, method=poisson) is Verdict.HIGHER
    assert stats.verdict(1.0, 1000, 10.0, per=1000, method=poisson) is Verdict.LOWER
    assert stats.verdict(None, 1000, 10.0, per=1000, method=poisson) is Verdict.NOT_COMPARED
    assert stats.verdict(25.0, None, 10.0, per=1000, method=poisson) is Verdict.NOT_COMPARED
