"""The verdict on a split's canary for the fleet table: failing, passing, or none yet."""

from __future__ import annotations

from meshtui.model.findings import Finding, HealthPolicy, Window, canary_verdict
from meshtui.model.signals import GoldenSignals

POLICY = HealthPolicy()
WINDOW = Window(60.0)


def test_a_finding_on_the_canary_fails_it() -> None:
    findings = [Finding("latency", "web-v2", "web-v2: p99 900 ms vs stable 40 ms", "canary p99 900 ms")]
    assert canary_verdict(findings, "web-v2", GoldenSignals(1.0, 10.0), WINDOW, POLICY) == "failing"


def test_findings_elsewhere_do_not() -> None:
    findings = [Finding("success", "web", "web: success 90%", "web success 90%"),
                Finding("share", "web-v2", "share", "share")]
    assert canary_verdict(findings, "web-v2", GoldenSignals(1.0, 10.0), WINDOW, POLICY) == "passing"


def test_too_few_requests_is_no_verdict_not_a_pass() -> None:
    few = GoldenSignals(1.0, (POLICY.min_requests - 1) / WINDOW.span)
    assert canary_verdict([], "web-v2", few, WINDOW, POLICY) == ""
    assert canary_verdict([], "web-v2", None, WINDOW, POLICY) == ""
    assert canary_verdict([], "web-v2", GoldenSignals(None, 10.0), WINDOW, POLICY) == ""
