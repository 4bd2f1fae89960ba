"""Cost estimate V.A, sources V.B and the V.C split (budgets/cost_estimate.py): pure functions, checked
with hypothesis against independent integer/fraction arithmetic. R-OFF-COSTS, R-OFF-SOURCES,
R-OFF-LIMITS, R-OFF-JOINT."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgets import cost_estimate as ce


@pytest.fixture(autouse=True)
def _clean_database():
    """Pure functions, no rows written: skip the conftest's per-test database wipe (speed)."""
    yield


D = Decimal
# amounts in grosze / hundredths, turned into Decimals with two places
grosze = st.integers(min_value=1, max_value=10**9)  # 0.01 .. 10 mln PLN
hundredths = st.integers(min_value=1, max_value=10**6)  # 0.01 .. 10 000 units


def money(g: int) -> Decimal:
    return D(g).scaleb(-2)


def line(unit_cost, units, category=ce.ACTION, cost_type="services", by_year=None, by_partner=None, action_no=1):
    return ce.Line(category=category, action_no=action_no if category == ce.ACTION else None, cost_type=cost_type,
                   name="Koszt", unit="szt.", unit_cost=D(unit_cost), units=D(units), by_year=by_year or {},
                   by_partner=by_partner or {})


def sources(grant="0", fin="0", pers="0", kind="0", ben="0"):
    return ce.Sources(grant=D(grant), own_financial=D(fin), own_personal=D(pers), own_in_kind=D(kind),
                      beneficiaries=D(ben))


def rules(problems):
    return {(p.field, p.rule) for p in problems}


lines_st = st.lists(st.tuples(grosze, hundredths, st.booleans()), min_size=1, max_size=8).map(
    lambda rows: [line(money(g), money(u), ce.ADMIN if adm else ce.ACTION) for g, u, adm in rows])


# ---------------------------------------------------------------- R-OFF-COSTS: value of a line

@settings(max_examples=300)
@given(grosze, hundredths)
def test_r_off_costs_value_is_unit_cost_times_units_rounded_half_up_to_the_grosz(g, u):
    value = line(money(g), money(u)).value
    # independent: g grosze × u hundredths = g*u / 100 grosze, half up
    expected_grosze = (g * u + 50) // 100
    assert value == money(expected_grosze)
    assert value.as_tuple().exponent == -2


@pytest.mark.parametrize("unit_cost, units, value", [
    ("0.25", "0.5", "0.13"),    # 0.125: half up, not half even (0.12)
    ("0.01", "0.5", "0.01"),    # 0.005
    ("0.05", "0.5", "0.03"),    # 0.025 (half even would give 0.02)
    ("33.33", "3", "99.99"),
    ("1250.00", "12", "15000.00"),
    ("0.99", "0.01", "0.01"),   # 0.0099
    ("0.49", "0.01", "0.00"),   # 0.0049
])
def test_r_off_costs_value_examples(unit_cost, units, value):
    assert line(unit_cost, units).value == D(value)


@settings(max_examples=200)
@given(lines_st)
def test_r_off_costs_totals_are_the_sums_of_line_values(lines):
    assert ce.total(lines) == sum(l.value for l in lines)
    assert ce.admin_total(lines) == sum(l.value for l in lines if l.category == ce.ADMIN)
    assert D(0) <= ce.admin_total(lines) <= ce.total(lines)


@settings(max_examples=200)
@given(grosze, hundredths, st.integers(min_value=0, max_value=10**6))
def test_r_off_costs_multi_year_split_accepted_exactly_when_it_sums_to_the_value(g, u, first):
    l0 = line(money(g), money(u))
    v = l0.value
    a = min(money(first), v)
    ok = line(money(g), money(u), by_year={2027: a, 2028: v - a})
    assert not [p for p in ce.check_lines([ok], [2027, 2028]) if p.field.endswith("by_year")]
    for delta in (D("0.01"), D("-0.01")):
        bad = line(money(g), money(u), by_year={2027: a, 2028: v - a + delta})
        found = [p for p in ce.check_lines([bad], [2027, 2028]) if p.field == "costs.0.by_year"]
        assert found and found[0].rule == "R-OFF-COSTS"


def test_r_off_costs_year_outside_the_task_period_and_missing_split():
    l0 = line("100.00", "1", by_year={2026: D("50.00"), 2027: D("50.00")})
    msgs = [str(p.message) for p in ce.check_lines([l0], [2027, 2028]) if p.field == "costs.0.by_year"]
    assert any("2026" in m for m in msgs)
    # a multi-year task needs the split
    nosplit = line("100.00", "1")
    assert ("costs.0.by_year", "R-OFF-COSTS") in rules(ce.check_lines([nosplit], [2027, 2028]))
    assert not ce.check_lines([nosplit], [2027])


def test_r_off_costs_line_shape():
    assert ("costs", "R-OFF-COSTS") in rules(ce.check_lines([], [2027]))
    bad = ce.Line(category="other", action_no=None, cost_type="x", name=" ", unit="", unit_cost=D("0"),
                  units=D("-1"), by_year={})
    fields = {p.field for p in ce.check_lines([bad], [2027])}
    assert {"costs.0.category", "costs.0.name", "costs.0.unit", "costs.0.unit_cost", "costs.0.units"} <= fields
    no_action = line("10", "1", action_no=None)
    assert ("costs.0.action_no", "R-OFF-COSTS") in rules(ce.check_lines([no_action], [2027]))


# ---------------------------------------------------------------- shares

@settings(max_examples=300)
@given(st.lists(st.integers(min_value=0, max_value=10**10), min_size=5, max_size=5))
def test_r_off_sources_shares_are_percentages_between_0_and_100(parts):
    src = sources(*(money(p) for p in parts))
    sh = ce.shares(src)
    for k, v in sh.items():
        assert D(0) <= v <= D(100), (k, v)
        assert v.as_tuple().exponent == -2
    if src.total:
        # each share is the exact fraction rounded half up to 0.01
        exact = Fraction(src.grant) * 100 / Fraction(src.total)
        assert abs(Fraction(sh["grant"]) - exact) <= Fraction(1, 200)
    else:
        assert set(sh.values()) == {D("0.00")}


def test_share_examples():
    assert ce.share(D("1"), D("3")) == D("33.33")
    assert ce.share(D("2"), D("3")) == D("66.67")
    assert ce.share(D("1"), D("200")) == D("0.50")
    assert ce.share(D("5"), D("5")) == D("100.00")
    assert ce.share(D("0"), D("0")) == D("0.00")


# ---------------------------------------------------------------- R-OFF-SOURCES

@settings(max_examples=300)
@given(lines_st, st.lists(st.integers(min_value=0, max_value=10**11), min_size=5, max_size=5))
def test_r_off_sources_accepted_exactly_when_2_plus_3_plus_4_equals_1(lines, parts):
    src = sources(*(money(p) for p in parts))
    problems = ce.check_sources(lines, src)
    equal = sum(parts) == sum(round(l.value * 100) for l in lines)
    assert (not problems) == equal


@settings(max_examples=200)
@given(lines_st, st.integers(min_value=0, max_value=100), st.integers(min_value=0, max_value=100),
       st.sampled_from(["grant", "own_financial", "own_personal", "own_in_kind", "beneficiaries"]),
       st.sampled_from([D("0.01"), D("-0.01")]))
def test_r_off_sources_off_by_one_grosz_refused(lines, own_pct, ben_pct, where, delta):
    t = ce.total(lines)
    own = ce.q2(t * own_pct / 200)
    ben = ce.q2((t - own) * ben_pct / 200)
    grant = t - own - ben
    exact = dict(grant=grant, fin=own, pers=D("0"), kind=D("0"), ben=ben)
    assert ce.check_sources(lines, sources(**exact)) == []
    amounts = {"grant": grant, "own_financial": own, "own_personal": D("0"), "own_in_kind": D("0"),
               "beneficiaries": ben}
    amounts[where] += delta
    src = ce.Sources(grant=amounts["grant"], own_financial=amounts["own_financial"],
                     own_personal=amounts["own_personal"], own_in_kind=amounts["own_in_kind"],
                     beneficiaries=amounts["beneficiaries"])
    found = ce.check_sources(lines, src)
    assert ("sources", "R-OFF-SOURCES") in rules(found)


def test_r_off_sources_negative_amount_refused_even_when_the_sum_matches():
    lines = [line("100.00", "1")]
    found = rules(ce.check_sources(lines, sources(grant="110.00", fin="-10.00")))
    assert found == {("sources.own_financial", "R-OFF-SOURCES")}


def test_r_off_sources_own_contribution_is_financial_plus_personal_plus_in_kind():
    src = sources(grant="700", fin="100", pers="120", kind="30", ben="50")
    assert src.own_nonfinancial == D("150")
    assert src.own_total == D("250")
    assert src.total == D("1000")
    assert ce.shares(src)["own_total"] == D("25.00")


# ---------------------------------------------------------------- R-OFF-LIMITS

ONE_LINE = [line("1000.00", "1")]


@pytest.mark.parametrize("own, ok", [
    ("100.00", True),   # exactly 10.00 %
    ("100.01", True),
    ("99.90", False),   # 9.99 %
    ("99.99", False),   # 9.999 %: shown rounded as 10.00 %, still below the minimum
])
def test_r_off_limits_own_share_at_the_boundary(own, ok):
    src = sources(grant=str(D("1000.00") - D(own)), fin=own)
    found = [p for p in ce.check_limits(ONE_LINE, src, ce.Limits(min_own_total_pct=D("10")))
             if p.field == "sources.own_total"]
    assert (not found) == ok
    if not ok:
        assert found[0].rule == "R-OFF-LIMITS"
        # the message must not claim the minimum is met
        assert "10,00%" not in str(found[0].message), str(found[0].message)


@pytest.mark.parametrize("attr, limit", [("own_financial", "min_own_financial_pct"),
                                         ("own_nonfinancial", "min_own_nonfinancial_pct")])
def test_r_off_limits_financial_and_nonfinancial_minimums(attr, limit):
    lim = ce.Limits(**{limit: D("5")})
    at = sources(grant="950", fin="50") if attr == "own_financial" else sources(grant="950", pers="20", kind="30")
    below = sources(grant="951", fin="49") if attr == "own_financial" else sources(grant="951", pers="20", kind="29")
    assert not [p for p in ce.check_limits(ONE_LINE, at, lim) if p.field == f"sources.{attr}"]
    assert [p for p in ce.check_limits(ONE_LINE, below, lim) if p.field == f"sources.{attr}"]


@settings(max_examples=300)
@given(st.integers(min_value=1, max_value=10**8), st.integers(min_value=0, max_value=10**8),
       st.integers(min_value=0, max_value=10000))
def test_r_off_limits_own_share_compared_exactly(grant_g, own_g, min_hundredths):
    src = sources(grant=money(grant_g), fin=money(own_g))
    minimum = money(min_hundredths)
    found = [p for p in ce.check_limits([], src, ce.Limits(min_own_total_pct=minimum))
             if p.field == "sources.own_total"]
    exact_below = Fraction(own_g) * 100 < Fraction(minimum) * (grant_g + own_g)
    assert bool(found) == (exact_below and minimum > 0)


@pytest.mark.parametrize("grant, field_ok", [("5000.00", True), ("4999.99", False), ("50000.00", True),
                                             ("50000.01", False)])
def test_r_off_limits_grant_within_min_and_max(grant, field_ok):
    lim = ce.Limits(min_grant=D("5000.00"), max_grant=D("50000.00"))
    found = [p for p in ce.check_limits([], sources(grant=grant), lim) if p.field == "sources.grant"]
    assert (not found) == field_ok
    assert all(p.rule == "R-OFF-LIMITS" for p in found)


@pytest.mark.parametrize("admin, ok", [("100.00", True), ("100.01", False), ("0.00", True)])
def test_r_off_limits_admin_costs_at_most_the_percentage(admin, ok):
    lines = [line(str(D("1000.00") - D(admin)), "1")]
    if D(admin):
        lines.append(line(admin, "1", category=ce.ADMIN, cost_type="admin"))
    lim = ce.Limits(max_admin_pct=D("10"))
    found = [p for p in ce.check_limits(lines, sources(grant="1000.00"), lim) if p.field == "costs"]
    assert (not found) == ok
    if not ok:
        assert found[0].rule == "R-OFF-LIMITS"
        assert "stanowią 10,01%" in str(found[0].message), str(found[0].message)  # 10.001 %: not "10,00 %"


def test_r_off_limits_only_eligible_categories():
    lines = [line("10", "1", cost_type="services"), line("10", "1", cost_type="investment"),
             line("10", "1", cost_type="medical_tests")]
    lim = ce.Limits(eligible=frozenset({"services", "investment"}), ineligible=frozenset({"investment"}))
    found = rules(ce.check_limits(lines, sources(grant="30"), lim))
    assert ("costs.1.cost_type", "R-OFF-LIMITS") in found  # listed as ineligible
    assert ("costs.2.cost_type", "R-OFF-LIMITS") in found  # not on the eligible list
    assert not any(f == "costs.0.cost_type" for f, _r in found)
    # no eligible list: everything not listed as ineligible
    open_lim = ce.Limits(ineligible=frozenset({"investment"}))
    assert {f for f, _r in rules(ce.check_limits(lines, sources(grant="30"), open_lim))} == {"costs.1.cost_type"}


# ---------------------------------------------------------------- R-OFF-JOINT

@settings(max_examples=200)
@given(grosze, hundredths, st.integers(min_value=0, max_value=10**6))
def test_r_off_joint_split_per_line_must_sum_to_the_line_value(g, u, part):
    v = line(money(g), money(u)).value
    a = min(money(part), v)
    ok = line(money(g), money(u), by_partner={"1": a, "2": v - a})
    assert ce.check_joint([ok], [1, 2]) == []
    bad = line(money(g), money(u), by_partner={"1": a, "2": v - a + D("0.01")})
    assert rules(ce.check_joint([bad], [1, 2])) == {("costs.0.by_partner", "R-OFF-JOINT")}


def test_r_off_joint_unknown_organisation_and_missing_split():
    stranger = line("100", "1", by_partner={"1": D("50"), "9": D("50")})
    msgs = [str(p.message) for p in ce.check_joint([stranger], [1, 2])]
    assert len(msgs) == 1 and "spoza" in msgs[0]
    missing = line("100", "1")
    assert rules(ce.check_joint([missing], [1, 2])) == {("costs.0.by_partner", "R-OFF-JOINT")}
    assert ce.check_joint([missing], []) == []  # not a joint offer


def test_r_off_costs_absurd_value_refused_at_the_bound():
    at = line("10000000.00", "1000")  # 10 bln PLN exactly
    assert ce.check_lines([at], [2027]) == []
    over = line("10000000.01", "1000")
    assert rules(ce.check_lines([over], [2027])) == {("costs.0.units", "R-OFF-COSTS"), ("costs", "R-OFF-COSTS")}
    # each line fine, the estimate as a whole absurd
    assert rules(ce.check_lines([at, line("0.01", "1")], [2027])) == {("costs", "R-OFF-COSTS")}
