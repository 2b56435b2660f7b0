"""The benchmark's arithmetic: interleaved rounds, the median ratio, the Wagtail yardstick."""

from bench import report
from bench.run import split_rotation
from bench.targets import STOCK_WAGTAIL_KEY, Target


def _run(rps, p95=10.0):
    return {"rps": rps, "p50_ms": p95 / 2, "p95_ms": p95, "requests": int(rps), "errors": {}}


def test_the_median_round_is_reported_with_every_rounds_ratio():
    rounds = [
        (_run(1000), _run(100, p95=50)),  # 0.1
        (_run(500), _run(150, p95=40)),  # 0.3: the bare view fell on a busy moment
        (_run(1000), _run(200, p95=30)),  # 0.2
    ]
    row = report.median_round(rounds)
    assert row["ratio"] == 0.2
    assert (row["rps"], row["p95_ms"], row["bare_rps"]) == (200, 30, 1000)
    assert [r["ratio"] for r in row["rounds"]] == [0.1, 0.3, 0.2]


def test_the_bare_row_is_the_median_of_its_runs():
    row = report.bare_summary([_run(900), _run(1200), _run(1000)])
    assert (row["rps"], row["rps_min"], row["rps_max"], row["runs"]) == (1000, 900, 1200, 3)


def _row(key, ratio, *, min_ratio=None, within=None):
    target = Target(key, key, "/", min_ratio=min_ratio, min_ratio_to_wagtail=within)
    return report.page_row(target, {**_run(100), "ratio": ratio})


def test_a_page_within_its_share_of_the_stock_wagtail_page_meets_its_budget():
    rows = [
        _row("bare", 1.0),
        _row(STOCK_WAGTAIL_KEY, 0.15),
        _row("kb_article", 0.12, min_ratio=0.2, within=0.667),
        _row("slow", 0.05, min_ratio=0.2, within=0.667),
        _row("lesson", 0.1, min_ratio=0.2),
    ]
    report._ratios(rows)
    by_key = {r["key"]: r for r in rows}
    assert by_key["kb_article"]["ratio_to_wagtail"] == 0.8
    assert by_key["kb_article"]["budget_met"] is True
    assert by_key["slow"]["budget_met"] is False
    # Without the Wagtail clause the bare-view ratio alone decides.
    assert by_key["lesson"]["budget_met"] is False
    table = report.table(rows, [], type("Facts", (), {"scale": 0.1, "counts": {}})())
    assert "to stock Wagtail" in table


def test_each_round_of_a_rotating_post_gets_its_own_requests():
    rotation = [(f"/evaluaciones/intento/{i}/", i) for i in range(7)]
    target = Target("quiz_submit", "Submit", rotation[0][0], 0, method="POST", rotation=rotation)
    parts = split_rotation(target, 3)
    sent = [request for part in parts for request in part.rotation]
    assert sorted(sent) == sorted(rotation)  # every attempt once, none twice
    assert all(part.path == part.rotation[0][0] for part in parts)
    plain = Target("home", "Home", "/")
    assert split_rotation(plain, 3) == [plain] * 3
