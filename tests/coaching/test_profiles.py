"""The coaching arithmetic: recency weighting, trend, not enough data, thresholds."""

from datetime import UTC, datetime, timedelta

import pytest

from coaching.profiles import (
    CoachingConfig,
    Observation,
    decay_weight,
    profile_figures,
    trend,
    weakness_decision,
    weighted_score,
)

NOW = datetime(2025, 6, 1, tzinfo=UTC)


def obs(days_ago: float, value: float) -> Observation:
    return Observation(at=NOW - timedelta(days=days_ago), value=value)


def test_decay_halves_per_half_life():
    assert decay_weight(0, 30) == 1.0
    assert decay_weight(30, 30) == pytest.approx(0.5)
    assert decay_weight(60, 30) == pytest.approx(0.25)
    assert decay_weight(-5, 30) == 1.0  # a clock skew never weighs more than today


def test_recent_conversations_weigh_more():
    # one old poor result, one recent good one: the weighted score leans to the recent one
    score = weighted_score([obs(60, 0.2), obs(0, 1.0)], now=NOW, half_life_days=30)
    assert score == pytest.approx(100 * (0.25 * 0.2 + 1.0) / 1.25, abs=0.05)
    assert score > 60  # a plain mean would say 60
    # equal ages: plain mean
    assert weighted_score([obs(5, 0.4), obs(5, 0.8)], now=NOW, half_life_days=30) == 60.0
    # a longer half-life moves the score back towards the plain mean
    slow = weighted_score([obs(60, 0.2), obs(0, 1.0)], now=NOW, half_life_days=365)
    assert 60 < slow < score
    assert weighted_score([], now=NOW, half_life_days=30) is None


def test_trend_compares_recent_window_with_the_one_before():
    rising = [obs(20 - i, 0.4 if i < 5 else 0.8) for i in range(10)]
    assert trend(rising, window=5) == pytest.approx(40.0)
    falling = [obs(20 - i, 0.9 if i < 5 else 0.6) for i in range(10)]
    assert trend(falling, window=5) == pytest.approx(-30.0)
    # unordered input is sorted by time first
    assert trend(list(reversed(rising)), window=5) == pytest.approx(40.0)
    # without two observations in the earlier window there is no trend
    assert trend([obs(i, 0.5) for i in range(6)], window=5) is None


def test_not_enough_data_is_none_never_a_number():
    config = CoachingConfig()
    two = profile_figures([obs(1, 0.9), obs(2, 0.9)], now=NOW, config=config)
    assert (two.score, two.trend, two.n) == (None, None, 2)
    three = profile_figures([obs(1, 0.9), obs(2, 0.9), obs(3, 0.9)], now=NOW, config=config)
    assert three.score == 90.0 and three.n == 3 and three.trend is None
    stricter = CoachingConfig.from_settings({"min_n": 5})
    assert profile_figures([obs(i, 0.9) for i in range(4)], now=NOW, config=stricter).score is None


def test_organisation_overrides_and_junk():
    config = CoachingConfig.from_settings(
        {"half_life_days": "14", "weakness_k": 2, "min_n": "x", "recover_m": -1, "extra": 1}
    )
    assert config.half_life_days == 14.0
    assert config.weakness_k == 2
    assert config.min_n == 3 and config.recover_m == 3  # junk falls back to the defaults
    assert CoachingConfig.from_settings({"weakness_k": 9, "weakness_n": 4}).weakness_k == 4


def test_weakness_decision_open_and_close():
    config = CoachingConfig()  # K=3 of N=5, close after M=3
    assert (
        weakness_decision([True, False, True], is_open=False, since_open=0, config=config) is None
    )
    assert (
        weakness_decision(
            [True, False, True, False, True], is_open=False, since_open=0, config=config
        )
        == "open"
    )
    # only the last N count
    assert (
        weakness_decision(
            [True, True, True, False, False, False, False, False],
            is_open=False,
            since_open=0,
            config=config,
        )
        is None
    )
    assert (
        weakness_decision([True, False, False], is_open=True, since_open=2, config=config) is None
    )
    assert (
        weakness_decision([True, False, False, False], is_open=True, since_open=3, config=config)
        == "close"
    )
    # recoveries from before it opened do not close it
    assert (
        weakness_decision([False, False, False], is_open=True, since_open=1, config=config) is None
    )
