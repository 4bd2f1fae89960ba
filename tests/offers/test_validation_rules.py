"""What an offer must satisfy at submission, through grants.offers.validation.problems (no database rows):
R-OFF-SECTIONS, R-OFF-COSTS, R-OFF-SOURCES, R-OFF-LIMITS, R-OFF-JOINT."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from grants.contests.models import Contest
from grants.offers.content import DECLARATIONS
from grants.offers.validation import figures, problems
from tests.factories import contest_values, offer_content

from .support import changed, costed

LEAD, PARTNER = 11, 22


@pytest.fixture(autouse=True)
def _clean_database():
    """No rows written: skip the conftest's per-test database wipe (speed)."""
    yield


def contest(**overrides) -> Contest:
    v = contest_values(**overrides)
    v.setdefault("call_type", "standard")
    v["task_start"], v["task_end"] = overrides.get("task_start", date(2028, 1, 1)), overrides.get("task_end", date(2028, 12, 31))
    v["year"] = v["task_start"].year
    return Contest(**v)


def found(c, content, partners=()):
    return problems(c, content, LEAD, list(partners))


def pairs(issues):
    return {(i.field, i.rule) for i in issues}


def test_complete_offer_has_no_problems():
    c = contest()
    assert found(c, offer_content(c)) == []


# ---------------------------------------------------------------- R-OFF-SECTIONS

REQUIRED = ["basic.task_type", "applicant.contact_person", "applicant.contact_email", "task.title",
            "task.start_date", "task.end_date", "task.place", "task.target_group", "task.need", "task.summary",
            "task.expected_results", "profile.experience"]


@pytest.mark.parametrize("path", REQUIRED)
def test_r_off_sections_missing_field_reported_with_its_path(path):
    c = contest()
    section, name = path.split(".")
    content = offer_content(c)
    content[section][name] = None if name.endswith("_date") else ""
    issues = found(c, content)
    assert (path, "R-OFF-SECTIONS") in pairs(issues)
    assert {i.field for i in issues if i.rule == "R-OFF-SECTIONS"} == {path}
    text = next(i.text for i in issues if i.field == path)
    assert text.startswith(("I.", "II.", "III.", "IV.")), text  # names the template's section


@pytest.mark.parametrize("path, value", [
    ("task__actions", []),
    ("task__actions", [{"name": "", "description": "bez nazwy"}]),
    ("task__results", []),
    ("task__results", [{"result": "Uczestnicy", "planned_value": ""}]),
    ("declarations__accepted", list(DECLARATIONS)[:-1]),
    ("declarations__accepted", []),
])
def test_r_off_sections_plan_results_and_declarations_required(path, value):
    c = contest()
    content = changed(offer_content(c), **{path: value})
    if path == "task__actions":
        for line in content["costs"]:
            line["action_no"] = None if line["category"] == "admin" else line["action_no"]
    field = ".".join(path.split("__")[:2]) if not path.startswith("declarations") else "declarations"
    issues = found(c, content)
    assert (field, "R-OFF-SECTIONS") in pairs(issues), issues


def test_r_off_sections_an_empty_offer_lists_every_section():
    c = contest()
    issues = found(c, {})
    fields = {i.field for i in issues if i.rule == "R-OFF-SECTIONS"}
    assert set(REQUIRED) | {"task.actions", "task.results", "declarations"} <= fields
    assert ("costs", "R-OFF-COSTS") in pairs(issues)


def test_r_off_sections_task_cannot_end_before_it_starts():
    c = contest()
    content = changed(offer_content(c), task__start_date="2028-06-01", task__end_date="2028-05-31")
    assert ("task.end_date", "R-OFF-SECTIONS") in pairs(found(c, content))


# ---------------------------------------------------------------- R-OFF-COSTS

def multi_year():
    c = contest(task_start=date(2028, 1, 1), task_end=date(2029, 12, 31))
    content = offer_content(c)
    content["task"]["end_date"] = "2029-06-30"
    for line in content["costs"]:
        value = Decimal(line["unit_cost"]) * Decimal(line["units"])
        first = (value / 2).quantize(Decimal("0.01"))
        line["by_year"] = {"2028": str(first), "2029": str(value - first)}
    return c, content


def test_r_off_costs_multi_year_split_equal_to_the_value_accepted():
    c, content = multi_year()
    assert found(c, content) == []
    f = figures(content)
    assert sum(f["by_year"].values()) == f["total"] and set(f["by_year"]) == {2028, 2029}


@pytest.mark.parametrize("delta", ["0.01", "-0.01"])
def test_r_off_costs_multi_year_split_must_equal_the_value(delta):
    c, content = multi_year()
    line = content["costs"][0]
    line["by_year"]["2029"] = str(Decimal(line["by_year"]["2029"]) + Decimal(delta))
    assert pairs(found(c, content)) == {("costs.0.by_year", "R-OFF-COSTS")}


def test_r_off_costs_multi_year_task_needs_a_split():
    c, content = multi_year()
    content["costs"][1]["by_year"] = {}
    assert pairs(found(c, content)) == {("costs.1.by_year", "R-OFF-COSTS")}


def test_r_off_costs_year_outside_the_task_period():
    c, content = multi_year()
    line = content["costs"][0]
    line["by_year"] = {"2028": line["by_year"]["2028"], "2030": line["by_year"]["2029"]}
    issues = [i for i in found(c, content) if i.field == "costs.0.by_year"]
    assert issues and issues[0].rule == "R-OFF-COSTS" and "2030" in issues[0].text


def test_r_off_costs_single_year_split_outside_the_year():
    c = contest()
    content = offer_content(c)
    value = Decimal(content["costs"][0]["unit_cost"])
    content["costs"][0]["by_year"] = {"2027": str(value)}
    assert ("costs.0.by_year", "R-OFF-COSTS") in pairs(found(c, content))


def test_r_off_costs_action_number_not_in_the_plan():
    c = contest()
    content = changed(offer_content(c), costs__0__action_no=2)
    assert pairs(found(c, content)) == {("costs.0.action_no", "R-OFF-COSTS")}
    content = changed(offer_content(c), costs__0__action_no=None)
    assert pairs(found(c, content)) == {("costs.0.action_no", "R-OFF-COSTS")}


def test_r_off_costs_value_rounded_half_up_without_a_split():
    """0.25 × 0.50 = 0.125 → 0.13 (half up): the single-year value and the line's value agree."""
    c = contest()
    content = offer_content(c)
    content["costs"].append({"category": "action", "action_no": 1, "cost_type": "materials", "name": "Klej",
                             "unit": "szt.", "unit_cost": "0.25", "units": "0.50"})
    own = Decimal(content["sources"]["own_financial"]) + Decimal("0.13")
    content["sources"]["own_financial"] = str(own)
    assert found(c, content) == []
    assert figures(content)["total"] == Decimal(offer_content(c)["costs"][0]["unit_cost"]) + \
        Decimal(offer_content(c)["costs"][1]["unit_cost"]) + Decimal("0.13")


def test_r_off_costs_absurd_line_value_refused():
    """Each figure within its format bounds, their product absurd (10^10 × 10^6): refused, not stored."""
    c = contest(min_grant=None, max_grant=None, min_own_total_pct=Decimal(0))
    content = offer_content(c)
    content["costs"] = [{"category": "action", "action_no": 1, "cost_type": "personnel", "name": "X", "unit": "szt.",
                         "unit_cost": "10000000000.00", "units": "1000000"}]
    content["sources"] = {"grant": None, "own_financial": "0.00", "own_personal": "0.00", "own_in_kind": "0.00",
                          "beneficiaries": "0.00"}
    issues = found(c, content)
    assert pairs(issues) == {("costs.0.units", "R-OFF-COSTS"), ("costs", "R-OFF-COSTS")}, issues
    # at the bound: accepted
    content["costs"][0].update(unit_cost="10000.00", units="1000000")
    assert found(c, content) == []


# ---------------------------------------------------------------- R-OFF-SOURCES

@pytest.mark.parametrize("where, delta", [("own_financial", "0.01"), ("own_financial", "-0.01"),
                                          ("grant", "0.01"), ("beneficiaries", "0.01")])
def test_r_off_sources_off_by_one_grosz_refused(where, delta):
    c = contest()
    content = costed(c, grant="9000.00", own="1000.00", admin="500.00")
    assert found(c, content) == []
    content["sources"][where] = str(Decimal(content["sources"][where]) + Decimal(delta))
    issues = found(c, content)
    assert ("sources", "R-OFF-SOURCES") in pairs(issues)
    assert next(i.text for i in issues if i.field == "sources").count("10\u00a0000,00") == 1  # names the total


def test_r_off_sources_grant_left_empty_is_computed():
    c = contest()
    content = costed(c, grant="9000.00", own="1000.00")
    content["sources"]["grant"] = None
    assert found(c, content) == []
    assert figures(content)["sources"].grant == Decimal("9000.00")


def test_r_off_sources_personal_and_in_kind_count_as_own_contribution():
    c = contest()
    content = costed(c, grant="9000.00", own="0.00", beneficiaries="0.00")
    content["costs"][0]["unit_cost"] = "10000.00"
    content["sources"].update(own_personal="600.00", own_in_kind="400.00")
    assert found(c, content) == []
    assert figures(content)["shares"]["own_nonfinancial"] == Decimal("10.00")


# ---------------------------------------------------------------- R-OFF-LIMITS

@pytest.mark.parametrize("grant, ok", [("5000.00", True), ("4999.99", False), ("50000.00", True), ("50000.01", False)])
def test_r_off_limits_grant_between_min_and_max(grant, ok):
    c = contest()
    content = costed(c, grant=grant, own="10000.00")
    issues = pairs(found(c, content))
    assert issues == (set() if ok else {("sources.grant", "R-OFF-LIMITS")})


@pytest.mark.parametrize("own, ok", [("1000.00", True), ("999.00", False)])
def test_r_off_limits_own_contribution_share(own, ok):
    c = contest()  # minimum 10 %
    content = costed(c, grant="9000.00", own=own)
    issues = pairs(found(c, content))
    assert issues == (set() if ok else {("sources.own_total", "R-OFF-LIMITS")})


@pytest.mark.parametrize("admin, ok", [("1000.00", True), ("1000.01", False)])
def test_r_off_limits_admin_costs_over_the_maximum(admin, ok):
    c = contest()  # maximum 10 % of 10 000.00
    content = costed(c, grant="9000.00", own="1000.00", admin=admin)
    if not ok:  # keep the total at 10 000.00: the action line gives up the grosz
        content["costs"][0]["unit_cost"] = str(Decimal(content["costs"][0]["unit_cost"]))
    issues = pairs(found(c, content))
    assert issues == (set() if ok else {("costs", "R-OFF-LIMITS")})


@pytest.mark.parametrize("cost_type", ["investment", "catering"])
def test_r_off_limits_ineligible_category(cost_type):
    c = contest()  # eligible: personnel, materials, services, venue, admin; ineligible: investment
    content = costed(c, grant="9000.00", own="1000.00", action_cost_type=cost_type)
    issues = found(c, content)
    assert pairs(issues) == {("costs.0.cost_type", "R-OFF-LIMITS")}
    assert cost_type in issues[0].text


@pytest.mark.parametrize("start, end, field", [("2027-12-31", "2028-06-30", "task.start_date"),
                                               ("2028-03-01", "2029-01-01", "task.end_date")])
def test_r_off_limits_task_dates_within_the_contest_bounds(start, end, field):
    c = contest()
    content = changed(offer_content(c), task__start_date=start, task__end_date=end)
    for line in content["costs"]:  # a valid split over the offer's years
        line["by_year"] = {start[:4]: line["unit_cost"]} if start[:4] == end[:4] else \
            {start[:4]: "0.00", end[:4]: line["unit_cost"]}
    assert pairs(found(c, content)) == {(field, "R-OFF-LIMITS")}


# ---------------------------------------------------------------- R-OFF-JOINT

def joint(split=True):
    c = contest()
    content = offer_content(c)
    for line in content["costs"]:
        value = Decimal(line["unit_cost"])
        part = (value / 3).quantize(Decimal("0.01"))
        line["by_partner"] = {str(LEAD): str(value - part), str(PARTNER): str(part)} if split else {}
    return c, content


def test_r_off_joint_split_equal_to_each_line_accepted():
    c, content = joint()
    assert found(c, content, [PARTNER]) == []


def test_r_off_joint_split_per_line_must_sum_to_the_line_value():
    c, content = joint()
    content["costs"][1]["by_partner"][str(PARTNER)] = str(Decimal(content["costs"][1]["by_partner"][str(PARTNER)]) - Decimal("0.01"))
    assert pairs(found(c, content, [PARTNER])) == {("costs.1.by_partner", "R-OFF-JOINT")}
    c, content = joint(split=False)
    assert pairs(found(c, content, [PARTNER])) == {("costs.0.by_partner", "R-OFF-JOINT"),
                                                   ("costs.1.by_partner", "R-OFF-JOINT")}


def test_r_off_joint_split_naming_an_organisation_outside_the_offer():
    c, content = joint()
    line = content["costs"][0]
    line["by_partner"]["99"] = line["by_partner"].pop(str(PARTNER))
    assert pairs(found(c, content, [PARTNER])) == {("costs.0.by_partner", "R-OFF-JOINT")}


def test_r_off_joint_lead_cannot_be_its_own_partner():
    c, content = joint()
    assert ("partners", "R-OFF-JOINT") in pairs(found(c, content, [LEAD, PARTNER]))
