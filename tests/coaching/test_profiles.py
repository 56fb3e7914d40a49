"""The coaching arithmetic: recency weighting, trend, not enough data, thresholds."""

from datetime import UTC, datetime, timedelta

import pytest

from coaching.profiles import (
    CoachingConfig,
    Observation,
    below_threshold,
    decay_weight,
    profile_figures,
    running_levels,
    trend,
    weakness_decision,
    weakness_key,
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


def test_running_levels_match_the_weighted_score_at_each_step():
    observations = [obs(40, 0.2), obs(30, 0.9), obs(29, 0.4), obs(3, 1.0), obs(0, 0.5)]
    levels = running_levels(observations, half_life_days=30)
    for i, level in enumerate(levels):
        latest = observations[i].at
        expected = weighted_score(observations[: i + 1], now=latest, half_life_days=30)
        assert round(100 * level, 1) == pytest.approx(expected, abs=0.05)
    # and the last one is what the profile shows today
    assert round(100 * levels[-1], 1) == weighted_score(observations, now=NOW, half_life_days=30)


def test_a_low_level_opens_and_holds_a_weakness():
    config = CoachingConfig()
    # one shortfall only, but the profile level is low: open
    assert weakness_decision([True], is_open=False, since_open=0, config=config, low=True) == "open"
    # three recoveries do not close it while the level is still low …
    recovered = [True, True, True, False, False, False]
    assert weakness_decision(recovered, is_open=True, since_open=3, config=config, low=True) is None
    # … they do once it is back
    assert weakness_decision(recovered, is_open=True, since_open=3, config=config) == "close"
    assert below_threshold(0.55, 3, config) and not below_threshold(0.6, 3, config)
    assert not below_threshold(0.1, 2, config)  # not enough data: never low


def test_rule_thresholds_count_over_a_longer_window_with_hysteresis():
    config = CoachingConfig()  # serious: 2 of the last 10; general: 3 of the last 10
    spaced = [True, False, False, False, False, False, True]
    assert weakness_decision(spaced, is_open=False, since_open=0, config=config, k=2, n=10)
    assert not weakness_decision(spaced, is_open=False, since_open=0, config=config, k=3, n=10)
    # three clean conversations, but two violations still in the window: it stays open
    clean_tail = spaced + [False] * 3
    assert (
        weakness_decision(clean_tail, is_open=True, since_open=3, config=config, k=2, n=10) is None
    )
    assert (
        weakness_decision(
            [*clean_tail, False], is_open=True, since_open=4, config=config, k=2, n=10
        )
        == "close"
    )
    capped = CoachingConfig.from_settings({"rule_n": 4, "rule_k": 9, "serious_k": "1"})
    assert (capped.rule_n, capped.rule_k, capped.serious_k) == (4, 4, 1)


def test_one_problem_is_one_weakness():
    assert weakness_key("checkpoint", "cooling_off_disclosed") == ("rule", "cooling_off_omitted")
    assert weakness_key("checkpoint", "disclosure_duty_reminded") == (
        "checkpoint",
        "disclosure_duty_reminded",
    )
    assert weakness_key("skill", "compliance") == ("skill", "compliance")
