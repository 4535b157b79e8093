"""The house rules that keep the code easy to live in, checked over the source tree.

- no module over 600 lines;
- no view or API module decides a permission itself: role checks live in the policies;
- every public selector reads through a policy (it takes `user`), or is one of the named
  selectors that read below a parent the caller already got through a policy.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import atbalsts

ROOT = Path(atbalsts.__file__).parent
MAX_LINES = 600

# Names whose use in a view or API module is a permission decision made outside a policy.
ROLE_CHECKS = frozenset(
    {"role_of", "municipality_scope", "own_provider_id", "Role", "MUNICIPAL_ROLES"}
)


def _sources() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if "migrations" not in p.parts)


def _is_view_or_api(path: Path) -> bool:
    relative = path.relative_to(ROOT)
    parts = relative.parts
    if "tests" in parts:
        return False
    if parts[0] == "api":
        return True
    return any(
        part == "views" or part == "views.py" or part.endswith("_views.py") for part in parts
    )


def test_no_module_is_over_600_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in _sources()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def _is_user(node: ast.expr) -> bool:
    """`user`, `request.user`, `self.user`…: a role read off a user is a permission decision
    (a specialist's role on a conclusion is not)."""
    if isinstance(node, ast.Name):
        return node.id in {"user", "actor"}
    return isinstance(node, ast.Attribute) and node.attr in {"user", "actor"}


def _role_checks(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in ROLE_CHECKS:
            found.append(f"{node.id} (line {node.lineno})")
        elif isinstance(node, ast.Attribute) and node.attr == "role" and _is_user(node.value):
            found.append(f".role (line {node.lineno})")
        elif isinstance(node, ast.ImportFrom):
            found.extend(
                f"import {alias.name} (line {node.lineno})"
                for alias in node.names
                if alias.name in ROLE_CHECKS
            )
    return found


def test_views_and_api_ask_policies_instead_of_checking_roles() -> None:
    offenders = {
        str(p.relative_to(ROOT)): checks
        for p in _sources()
        if _is_view_or_api(p) and (checks := _role_checks(p))
    }
    assert offenders == {}


def test_role_check_finder_finds_role_checks(tmp_path: Path) -> None:
    sample = tmp_path / "views.py"
    sample.write_text(
        "from atbalsts.core.policies import role_of\n"
        "def page(request):\n"
        "    return role_of(request.user) == Role.HEAD or request.user.role == 'x'\n",
        encoding="utf-8",
    )
    assert sorted(_role_checks(sample)) == [
        ".role (line 3)",
        "Role (line 3)",
        "import role_of (line 1)",
        "role_of (line 3)",
    ]


# Selectors that take no user (docs/development.md, "Selectors"). Each one reads below an object
# the caller already holds through the domain's policy (a client, a plan version, a letter, an
# invoice), or reads reference data every staff member may see (prices, allocation rules,
# emergency situations, settings), or computes from its arguments alone. A new selector without
# `user` must be added here on purpose, and its caller must have the parent from a policy.
PARENT_CHECKED: frozenset[str] = frozenset(
    {
        "assessment.selectors.assessment_latest_completed",
        "assessment.selectors.assessment_scores",
        "assessment.selectors.band_steps",
        "assessment.selectors.budget_calculate",
        "assessment.selectors.budget_current",
        "assessment.selectors.budgets_current",
        "assessment.selectors.budget_explanation",
        "assessment.selectors.reassessment_due_on",
        "assessment.selectors.review_months",
        "assessment.selectors.rule_in_force",
        "billing.selectors.budget_spent_by_period",
        "billing.selectors.client_periods",
        "billing.selectors.invoice_line_sessions",
        "billing.selectors.invoice_lines",
        "billing.selectors.period_label",
        "billing.selectors.period_limit",
        "billing.selectors.period_months",
        "billing.selectors.period_of",
        "billing.selectors.underuse_share",
        "catalog.selectors.price_on",
        "catalog.selectors.provider_registration_status",
        "catalog.selectors.provider_registrations",
        "catalog.selectors.provider_service_flags",
        "catalog.selectors.provider_tariffs",
        "catalog.selectors.service_type_in_use",
        "catalog.selectors.transport_cost_estimate",
        "catalog.selectors.transport_service_type",
        "delivery.selectors.clients_with_conclusion_consent",
        "delivery.selectors.emergency_on",
        "delivery.selectors.expected_sessions",
        "delivery.selectors.has_conclusion_consent",
        "delivery.selectors.letter_client",
        "delivery.selectors.letter_line",
        "delivery.selectors.letter_line_numbered",
        "delivery.selectors.letters_for_recording",
        "delivery.selectors.month_units",
        "delivery.selectors.no_show_rule_on",
        "delivery.selectors.no_show_share_on",
        "delivery.selectors.parse_month",
        "delivery.selectors.plan_line_of",
        "delivery.selectors.planned_days",
        "delivery.selectors.recording_grace_days",
        "delivery.selectors.serves_client",
        "delivery.selectors.sessions_for_invoice",
        "people.selectors.client_audit_events",
        "people.selectors.client_current_assignment",
        "people.selectors.consent_current",
        "plans.selectors.budget.budget_periods",
        "plans.selectors.budget.budget_problem_text",
        "plans.selectors.budget.budget_problems",
        "plans.selectors.budget.line_monthly_amounts",
        "plans.selectors.budget.line_shares",
        "plans.selectors.budget.version_budget_fit",
        "plans.selectors.budget.version_budget_total",
        "plans.selectors.budget.version_totals_by_source",
        "plans.selectors.compare.version_compare",
        "plans.selectors.contracts.contracts_fitting",
        "plans.selectors.contracts.letter_contract_state",
        "plans.selectors.extension.extension_calculate",
        "plans.selectors.extension.plan_budget_total",
        "plans.selectors.extension.respread_default",
        "plans.selectors.extension.respread_starts",
        "plans.selectors.limits.child_max_weekly_hours",
        "plans.selectors.limits.child_max_weekly_sessions",
        "plans.selectors.limits.max_monthly_quantity",
        "plans.selectors.load.version_warnings",
        "plans.selectors.load.weekly_load",
        "plans.selectors.pauses.letter_pauses",
        "plans.selectors.pauses.line_pause_on",
        "plans.selectors.pauses.paused_days",
        "plans.selectors.pauses.paused_days_by_line",
        "plans.selectors.pauses.paused_money_shares",
        "plans.selectors.pauses.plan_pauses",
        "plans.selectors.pauses.unpaused_share",
        "plans.selectors.plans.letters_in_force",
        "plans.selectors.plans.social_worker_of",
        "plans.selectors.plans.version_current",
        "plans.selectors.plans.version_lines",
        "plans.selectors.plans.version_list",
        "plans.selectors.terms.letter_price_agreed",
        "plans.selectors.terms.letter_quantity_per_period",
        "plans.selectors.terms.letter_quantity_window",
        "plans.selectors.terms.letter_unit_price",
        "reporting.selectors.common.latvian_sort_key",
        "reporting.selectors.common.months_in",
        "reporting.selectors.common.period_masks",
        # a client got through the people policy: their home, and the transport from it
        "registers.selectors.client_home",
        "registers.selectors.transport_to",
    }
)


def _selector_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages([str(ROOT)], prefix="atbalsts."):
        leaf = info.name.rsplit(".", 1)[-1]
        if (
            ".selectors" in info.name and "tests" not in info.name and leaf != "__init__"
        ) or leaf == "selectors":
            names.append(info.name)
    return sorted(set(names))


def _public_selectors() -> dict[str, inspect.Signature]:
    found = {}
    for module_name in _selector_modules():
        module = importlib.import_module(module_name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module_name:
                continue
            found[f"{module_name.removeprefix('atbalsts.')}.{name}"] = inspect.signature(function)
    return found


@pytest.mark.django_db
def test_every_public_selector_reads_through_a_policy_or_is_named() -> None:
    selectors = _public_selectors()
    assert selectors, "no selectors found: the walk is broken"
    without_user = {name for name, sig in selectors.items() if "user" not in sig.parameters}
    assert sorted(without_user - PARENT_CHECKED) == []
    assert sorted(PARENT_CHECKED - set(selectors)) == [], "listed selectors that do not exist"
