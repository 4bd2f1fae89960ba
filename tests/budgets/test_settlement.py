"""budgets/settlement.py: the settlement's explained lines. Unused grant (R-SET-RETURN), the excess
over allowed shifts (R-AGR-SHIFT), findings (R-SET-MISUSE), own-contribution shortfall beyond the
tolerance returned as paid in excess, bank interest; the total to return."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from budgets.returns import Kind
from budgets.settlement import Figures, Finding, SettlementError, calculate
from budgets.shift import LineSpending as L

D = Decimal


def figures(**kw) -> Figures:
    base = dict(grant=D("80000"), paid=D("80000"),
                lines=(L("I.1", D("50000"), D("52000")), L("I.2", D("30000"), D("26000"))),
                shift_percent=D("10"), total_costs=D("95000"), own_contribution=D("15000"),
                declared_own_share=D("20"), own_tolerance=D("2"), bank_interest=D("12.34"),
                findings=(Finding(Kind.UNDUE, D("100"), date(2026, 1, 5)),))
    base.update(kw)
    return Figures(**base)


def test_r_set_return_settlement_known_answer():
    # paid 80 000; spent 52 000 + 26 000 = 78 000 (I.1 within 50 000 × 1.1 = 55 000)
    # unused = 80 000 − 78 000 = 2 000; excess 0; eligible 78 000
    # own share = 15 000 / 95 000 = 15.79 % < 20 − 2 = 18 %:
    #   X = 95 000 × 18 / 100 − 15 000 = 17 100 − 15 000 = 2 100
    # total = 2 000 + 0 + 100 (undue) + 2 100 + 12.34 (bank) = 4 212.34
    s = calculate(figures())
    assert [(x.code, x.amount) for x in s.lines] == [
        ("grant", D("80000.00")), ("paid", D("80000.00")), ("spent", D("78000.00")), ("unused", D("2000.00")),
        ("shift_excess", D("0.00")), ("eligible", D("78000.00")), ("finding.0", D("100.00")),
        ("own_share", D("2100.00")), ("bank_interest", D("12.34")), ("total", D("4212.34"))]
    assert s.total_to_return == D("4212.34")
    assert s.by_kind() == {Kind.UNUSED: D("2000.00"), Kind.UNDUE: D("100.00"), Kind.EXCESSIVE: D("2100.00"),
                           Kind.BANK_INTEREST: D("12.34")}
    assert "= 15,79%; minimum = 20 − 2 = 18%" in str(s.line("own_share").formula)
    assert str(s.line("unused").formula) == "przekazana − wydatki = 80\u00a0000,00 − 78\u00a0000,00"
    assert s.line("finding.0").finding.found_on == date(2026, 1, 5)


def test_r_agr_shift_settlement_excess_returned_and_counted_as_own_money():
    # I.1: 56 000 against 50 000 × 1.1 = 55 000 → excess 1 000; I.2: 24 000; spent 80 000, unused 0
    # own' = 15 000 + 1 000 = 16 000 (16.84 %); X = 17 100 − 16 000 = 1 100
    # total = 1 000 + 1 100 = 2 100: the same as without the shift, no double return
    s = calculate(figures(lines=(L("I.1", D("50000"), D("56000")), L("I.2", D("30000"), D("24000"))),
                          bank_interest=D("0"), findings=()))
    assert s.amount("unused") == 0 and s.amount("shift_excess") == D("1000.00")
    assert s.amount("eligible") == D("79000.00") and s.amount("own_share") == D("1100.00")
    assert s.total_to_return == D("2100.00")
    assert "; I.1: 56\u00a0000,00 − 55\u00a0000,00 = 1\u00a0000,00" in str(s.line("shift_excess").formula)
    assert s.line("shift_excess").kind is Kind.EXCESSIVE


@pytest.mark.parametrize("own, x", [
    ("18000.00", "0.00"),  # exactly 20 − 2 = 18 % of 100 000: within tolerance
    ("17999.99", "0.01"),  # one grosz short
    ("20000.00", "0.00"),
    ("10000.00", "8000.00"),  # 100 000 × 18 % − 10 000
])
def test_r_set_misuse_own_share_shortfall_at_the_tolerance_boundary(own, x):
    s = calculate(figures(lines=(L("I.1", D("80000"), D("80000")),), total_costs=D("100000"),
                          own_contribution=D(own), bank_interest=D("0"), findings=()))
    assert s.amount("own_share") == D(x)
    if D(x) == 0:
        assert "brak zwrotu" in str(s.line("own_share").formula)


def test_r_set_misuse_own_share_return_capped_at_the_grant_kept():
    # 1 000 grant all spent; costs 100 000, own 0, declared 50 %: raw 50 000, capped at 1 000 − 200 found
    s = calculate(figures(grant=D("1000"), paid=D("1000"), lines=(L("I.1", D("1000"), D("1000")),),
                          total_costs=D("100000"), own_contribution=D("0"), declared_own_share=D("50"),
                          own_tolerance=D("0"), bank_interest=D("0"),
                          findings=(Finding(Kind.MISUSED, D("200"), date(2026, 1, 5), date(2025, 3, 1)),)))
    assert s.amount("own_share") == D("800.00")
    assert "(≤ 800,00)" in str(s.line("own_share").formula)
    assert s.total_to_return == D("1000.00")


def test_r_set_return_entrustment_has_no_own_share_line_amount():
    s = calculate(figures(declared_own_share=None, own_contribution=D("0")))
    assert s.amount("own_share") == 0 and s.line("own_share").kind is None
    assert "nie dotyczy" in str(s.line("own_share").formula)
    assert s.total_to_return == D("2112.34")  # 2 000 unused + 100 undue + 12.34 bank


def test_r_set_return_withheld_tranche_is_not_unused_grant():
    # grant 80 000, only 64 000 paid (a withheld tranche), all of it spent: nothing unused
    s = calculate(figures(paid=D("64000"), lines=(L("I.1", D("50000"), D("40000")), L("I.2", D("30000"), D("24000"))),
                          total_costs=D("80000"), own_contribution=D("16000"), findings=(), bank_interest=D("0")))
    assert s.amount("unused") == 0 and s.total_to_return == 0


@pytest.mark.parametrize("kw, field", [
    (dict(paid=D("80000.01")), "paid"),
    (dict(paid=D("70000")), "lines"),  # spent 78 000 > paid
    (dict(total_costs=D("90000")), "total_costs"),  # 78 000 + 15 000 > 90 000
    (dict(findings=(Finding(Kind.UNDUE, D("78000.01"), date(2026, 1, 5)),)), "findings"),
    (dict(findings=(Finding(Kind.MISUSED, D("10"), date(2026, 1, 5)),)), "findings.0.transferred_on"),
    (dict(findings=(Finding(Kind.UNUSED, D("10"), date(2026, 1, 5)),)), "findings.0.kind"),
    (dict(findings=(Finding(Kind.UNDUE, D("0"), date(2026, 1, 5)),)), "findings.0.amount"),
    (dict(findings=(Finding(Kind.UNDUE, D("-5"), date(2026, 1, 5)),)), "findings.0.amount"),
    (dict(bank_interest=D("-0.01")), "bank_interest"),
    (dict(bank_interest=0.5), "bank_interest"),
    (dict(own_contribution=D("1.001")), "own_contribution"),
    (dict(declared_own_share=D("101")), "declared_own_share"),
    (dict(own_tolerance=D("-1")), "own_tolerance"),
    (dict(lines=(L("I.1", D("-1"), D("0")),)), "lines"),
    (dict(shift_percent=D("-5")), "lines"),
    (dict(grant="80000"), "grant"),
])
def test_r_set_return_settlement_bad_figures_refused(kw, field):
    with pytest.raises(SettlementError) as e:
        calculate(figures(**kw))
    assert e.value.field == field
    assert str(e.value.message)


# ------------------------------------------------------------------ properties

cents = st.integers(min_value=0, max_value=10**9)


@st.composite
def settlement_figures(draw):
    lines = draw(st.lists(st.tuples(cents, cents), min_size=1, max_size=5))
    spent = sum(a for _, a in lines)
    paid = spent + draw(cents)
    grant = paid + draw(cents)
    own = draw(cents)
    total = spent + own + draw(cents)
    assume(total > 0)
    findings_total = draw(st.integers(min_value=0, max_value=spent))
    return Figures(
        grant=D(grant).scaleb(-2), paid=D(paid).scaleb(-2),
        lines=tuple(L(f"L{i}", D(p).scaleb(-2), D(a).scaleb(-2)) for i, (p, a) in enumerate(lines)),
        shift_percent=D(draw(st.integers(0, 50))), total_costs=D(total).scaleb(-2), own_contribution=D(own).scaleb(-2),
        declared_own_share=D(draw(st.integers(0, 10_000))).scaleb(-2), own_tolerance=D(draw(st.integers(0, 1000))).scaleb(-2),
        bank_interest=D(draw(cents)).scaleb(-2),
        findings=(Finding(Kind.EXCESSIVE, D(findings_total).scaleb(-2), date(2026, 1, 5)),) if findings_total else ())


@settings(max_examples=300, deadline=None)
@given(settlement_figures())
def test_r_set_return_settlement_totals_and_own_share_properties(f):
    try:
        s = calculate(f)
    except SettlementError as e:
        assert e.field == "findings"  # only when the findings exceed the eligible spending
        return
    returned = {x.code: x.amount for x in s.lines}
    principal = returned["unused"] + returned["shift_excess"] + returned["own_share"] + sum(
        x.amount for x in s.lines if x.code.startswith("finding."))
    assert principal <= f.paid  # never more grant returned than was paid
    assert s.total_to_return == principal + f.bank_interest == returned["total"]
    assert returned["unused"] + returned["spent"] == f.paid
    # own share: X = half-up(T × (d − t)/100 − (O + E)), at least 0, at most what is kept
    own_eff = Fraction(f.own_contribution + returned["shift_excess"])
    need = Fraction(f.total_costs) * Fraction(f.declared_own_share - f.own_tolerance) / 100 - own_eff
    kept = returned["eligible"] - sum(x.amount for x in s.lines if x.code.startswith("finding."))
    raw = int(need * 100 + Fraction(1, 2)) if need > 0 else 0  # grosze, half up
    assert int(returned["own_share"] * 100) == min(max(raw, 0), int(kept * 100))
    if returned["own_share"] < kept:  # not capped: the share is restored to within half a grosz
        assert (own_eff + Fraction(returned["own_share"])) * 100 >= \
            Fraction(f.total_costs) * Fraction(f.declared_own_share - f.own_tolerance) - Fraction(1, 2)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=10**9), st.integers(0, 10**9), st.integers(0, 10**9),
       st.integers(0, 10_000), st.integers(0, 1_000))
def test_r_set_misuse_more_own_contribution_never_increases_the_return(t, o1, o2, d, tol):
    lo, hi = sorted([o1 % (t + 1), o2 % (t + 1)])

    def x(own):
        return calculate(Figures(D("10000000"), D("10000000"), (L("I.1", D("0"), D("0")),), D("0"),
                                 D(t).scaleb(-2), D(own).scaleb(-2), D(d).scaleb(-2), D(tol).scaleb(-2))).amount("own_share")
    assert x(hi) <= x(lo)
