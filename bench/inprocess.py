"""Measurements taken in process (or in a child process, for peak memory): exports, certificate
issuance, imports. Each runs only when its capability exists on this checkout."""

from collections.abc import Callable

from .seed import Facts

Measurement = Callable[[Facts, dict, Callable[[str], None]], dict | None]

MEASUREMENTS: list[Measurement] = []


def run_all(facts: Facts, *, env: dict, log: Callable[[str], None]) -> list[dict]:
    results = []
    for measure in MEASUREMENTS:
        result = measure(facts, env, log)
        if result is not None:
            results.append(result)
            log(f"  {result['name']:<34} {result['summary']}")
    return results
