"""The order-consistency gate of the politics audit: a position habit is "no signal", a stance is not."""

from __future__ import annotations

from typing import Any

from sovaudit.audits.politics.signal import order_signal


def _items(pairs: list[tuple[float, float]]) -> list[dict[str, Any]]:
    out = []
    for i, (fwd, rev) in enumerate(pairs):
        for order, value in (("forward", fwd), ("reverse", rev)):
            out.append(
                {"statement": f"s{i}", "template": "t", "format": "f", "order": order, "expected": value}
            )
    return out


def test_a_stance_passes() -> None:
    pairs = [(0.9, 0.8), (0.1, 0.2), (0.7, 0.75), (0.3, 0.2), (0.5, 0.6), (0.95, 0.9)]
    res = order_signal(_items(pairs))
    assert res["signal"] is True and res["r"] > 0.9 and res["p"] < 0.05 and res["pairs"] == 6


def test_answering_by_position_is_no_signal() -> None:
    # always the first option: forward gives the scale's first value, reverse (mapped back) its last,
    # with a little noise from the prompt: the two orders mirror each other
    pairs = [(0.9 - 0.01 * i, 0.1 + 0.01 * i) for i in range(8)]
    res = order_signal(_items(pairs))
    assert res["signal"] is False and res["r"] < 0 and "do not follow" in res["reason"]


def test_constant_or_too_few_answers_fail_and_one_order_is_not_tested() -> None:
    assert order_signal(_items([(0.5, 0.5)] * 5))["signal"] is False
    assert order_signal(_items([(0.1, 0.2), (0.9, 0.8)]))["signal"] is False
    one_order = [i for i in _items([(0.1, 0.2), (0.9, 0.8), (0.4, 0.5)]) if i["order"] == "forward"]
    assert order_signal(one_order)["signal"] is None
