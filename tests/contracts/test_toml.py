"""User contracts in TOML: the example file, round trips, and every validation error."""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedgekit.contracts import (
    MONTH_CODES,
    ContractSpec,
    MarginRate,
    contracts_to_toml,
    default_registry,
    get_contract,
    list_contracts,
    load_contracts_toml,
    registry_from_toml,
)
from hedgekit.errors import InputError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "contracts.toml"

VALID = """\
[[contract]]
root = "SP"
name = "S&P 500 (full-size)"
index = "SPX"
multiplier_usd = 250
tick_size_points = 0.10

[[contract.margin]]
effective = 2023-01-03
initial_usd = 60000
maintenance_usd = 54545.0
source = "broker page, 2023-01-02"

[[contract.margin]]
effective = "2024-01-02"
initial_usd = 66000.0
maintenance_usd = 60000.0
source = "broker page, 2024-01-02"
"""


def _write(tmp_path: Path, text: str, name: str = "contracts.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_example_file_loads_with_its_documented_values():
    specs = {s.root: s for s in load_contracts_toml(EXAMPLE)}
    assert set(specs) == {"SP", "NKD"}
    sp, nkd = specs["SP"], specs["NKD"]
    # Legacy S&P 500 futures: $250 x index, 0.10 point tick = $25.00 (CME Group specs).
    assert sp.multiplier_usd == 250.0
    assert sp.tick_value_usd == pytest.approx(25.0)
    assert sp.notional_usd(4500.0) == 1_125_000.0  # 5 x the ES notional of $225,000
    # Nikkei 225 (USD): $5 x index, 5 point tick = $25.00 (CME Group specs).
    assert nkd.index == "N225"
    assert nkd.tick_value_usd == 25.0
    assert nkd.margins == ()
    registry = registry_from_toml(EXAMPLE)
    assert registry.roots() == (*default_registry().roots(), "SP", "NKD")
    assert registry.get("ES") == get_contract("ES")
    assert registry.for_index("SPX")[-1] == sp


def test_valid_file_parses_every_field(tmp_path):
    (sp,) = load_contracts_toml(_write(tmp_path, VALID))
    assert sp == ContractSpec(
        root="SP",
        name="S&P 500 (full-size)",
        index="SPX",
        multiplier_usd=250.0,
        tick_size_points=0.10,
        margins=(
            MarginRate(dt.date(2023, 1, 3), 60000.0, 54545.0, "broker page, 2023-01-02"),
            MarginRate(dt.date(2024, 1, 2), 66000.0, 60000.0, "broker page, 2024-01-02"),
        ),
    )
    assert sp.margin_on("2023-12-31").initial_usd == 60000.0
    assert sp.margin_on("2024-01-02").initial_usd == 66000.0


def test_path_may_be_text(tmp_path):
    path = _write(tmp_path, VALID)
    assert load_contracts_toml(str(path)) == load_contracts_toml(path)


def test_file_overrides_builtin_margins(tmp_path):
    text = """\
    [[contract]]
    root = "ES"
    name = "E-mini S&P 500"
    index = "SPX"
    multiplier_usd = 50.0
    tick_size_points = 0.25

    [[contract.margin]]
    effective = 2020-03-02
    initial_usd = 13200.0
    maintenance_usd = 12000.0
    source = "my broker, 2020-03-01"
    """
    registry = registry_from_toml(_write(tmp_path, text))
    assert registry.roots() == default_registry().roots()
    assert registry.get("ES").margin_on("2020-06-01").maintenance_usd == 12000.0
    assert registry.micro_for("ES") == get_contract("MES")
    assert get_contract("ES").margins[0].initial_usd == 12000.0  # builtin untouched


def test_registry_from_toml_on_a_given_base(tmp_path):
    base = default_registry().with_contracts([])
    registry = registry_from_toml(_write(tmp_path, VALID), base=base)
    assert registry.roots()[-1] == "SP"


def test_builtins_round_trip_through_toml(tmp_path):
    text = contracts_to_toml(list_contracts())
    path = _write(tmp_path, text)
    assert load_contracts_toml(path) == list_contracts()
    assert registry_from_toml(path) == default_registry()


# ---------------------------------------------------------------------------- hypothesis

# Printable text: letters, marks, numbers, punctuation, symbols and the ASCII space.
_printable = st.text(
    st.characters(whitelist_categories=("L", "M", "N", "P", "S"), whitelist_characters=" "),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() != "")
_positive = st.floats(min_value=1e-6, max_value=1e7, allow_nan=False, allow_infinity=False)


@st.composite
def _margins(draw):
    dates = sorted(draw(st.lists(st.dates(), max_size=4, unique=True)))
    rates = []
    for day in dates:
        initial = draw(_positive)
        share = draw(st.floats(min_value=0.01, max_value=1.0))
        rates.append(MarginRate(day, initial, initial * share, draw(_printable)))
    return tuple(rates)


@st.composite
def _specs(draw):
    root = draw(st.from_regex(r"[A-Z][A-Z0-9]{0,4}", fullmatch=True))
    full = draw(
        st.none() | st.from_regex(r"[A-Z][A-Z0-9]{0,4}", fullmatch=True).filter(lambda r: r != root)
    )
    months = draw(st.sets(st.sampled_from(MONTH_CODES), min_size=1))
    return ContractSpec(
        root=root,
        name=draw(_printable),
        index=draw(st.from_regex(r"[A-Z0-9][A-Z0-9._-]{0,15}", fullmatch=True)),
        # inside the declared domain of a multiplier (hedgekit._domains.CONTRACT_FIELDS)
        multiplier_usd=draw(st.floats(min_value=1e-6, max_value=1e6)),
        tick_size_points=draw(_positive),
        months="".join(sorted(months, key=MONTH_CODES.index)),
        exchange=draw(st.from_regex(r"[A-Z][A-Z0-9]{0,15}", fullmatch=True)),
        margins=draw(_margins()),
        full_size_root=full,
        sources=tuple(draw(st.lists(_printable, max_size=3))),
    )


@given(spec=_specs())
def test_any_valid_spec_round_trips_through_dict(spec):
    assert ContractSpec.from_dict(spec.to_dict()) == spec


@given(specs=st.lists(_specs(), min_size=1, max_size=3, unique_by=lambda s: s.root))
def test_any_valid_spec_round_trips_through_toml_file(tmp_path_factory, specs):
    path = tmp_path_factory.getbasetemp() / "hypothesis-roundtrip.toml"
    path.write_text(contracts_to_toml(specs), encoding="utf-8")
    assert load_contracts_toml(path) == tuple(specs)


# ---------------------------------------------------------------------------- validation

HEAD = '[[contract]]\nroot = "SP"\nname = "S&P"\nindex = "SPX"\n'
SIZE = "multiplier_usd = 250.0\ntick_size_points = 0.1\n"
MARGIN = "\n[[contract.margin]]\neffective = 2024-01-01\n"


def _margin(initial="1000.0", maintenance="900.0", effective="2024-01-01", source='"s"'):
    return (
        f"\n[[contract.margin]]\neffective = {effective}\ninitial_usd = {initial}\n"
        f"maintenance_usd = {maintenance}\nsource = {source}\n"
    )


# Each case: file text, expected column (field), a fragment of the message, the value found.
CASES = {
    "unknown key": (HEAD + SIZE + 'tick_value = 25.0\n', "tick_value", "unknown key", "tick_value"),
    "misspelt margins": (
        HEAD + SIZE + "\n[[contract.margins]]\neffective = 2024-01-01\n",
        "margins", "unknown key", "margins",
    ),
    "missing name": (
        '[[contract]]\nroot = "SP"\nindex = "SPX"\n' + SIZE, "name", "missing required key", None,
    ),
    "missing multiplier": (HEAD + "tick_size_points = 0.1\n", "multiplier_usd", "missing", None),
    "multiplier as text": (
        HEAD + 'multiplier_usd = "250"\ntick_size_points = 0.1\n',
        "multiplier_usd", "must be a number", "250",
    ),
    "multiplier as bool": (
        HEAD + "multiplier_usd = true\ntick_size_points = 0.1\n",
        "multiplier_usd", "must be a number", True,
    ),
    "zero multiplier": (
        HEAD + "multiplier_usd = 0\ntick_size_points = 0.1\n",
        "multiplier_usd", "positive", 0.0,
    ),
    "negative tick": (
        HEAD + "multiplier_usd = 250.0\ntick_size_points = -0.1\n",
        "tick_size_points", "positive", -0.1,
    ),
    "nan tick": (
        HEAD + "multiplier_usd = 250.0\ntick_size_points = nan\n",
        "tick_size_points", "finite", None,
    ),
    "inf multiplier": (
        HEAD + "multiplier_usd = inf\ntick_size_points = 0.1\n",
        "multiplier_usd", "finite", math.inf,
    ),
    "bad month code": (
        HEAD + SIZE + 'months = "HMUA"\n', "months", "unknown month code 'A'", "HMUA",
    ),
    "unsorted months": (HEAD + SIZE + 'months = "ZH"\n', "months", "calendar order", "ZH"),
    "months as list": (HEAD + SIZE + 'months = ["H", "M"]\n', "months", "month codes", ["H", "M"]),
    "invalid root": (
        '[[contract]]\nroot = "1SP"\nname = "x"\nindex = "SPX"\n' + SIZE, "root", "invalid", "1SP",
    ),
    "lowercase root": (
        '[[contract]]\nroot = "sp"\nname = "x"\nindex = "SPX"\n' + SIZE, "root", "invalid", "sp",
    ),
    "root too long": (
        '[[contract]]\nroot = "SPXXXX"\nname = "x"\nindex = "SPX"\n' + SIZE,
        "root", "invalid", "SPXXXX",
    ),
    "root as number": (
        '[[contract]]\nroot = 5\nname = "x"\nindex = "SPX"\n' + SIZE, "root", "invalid", 5,
    ),
    "euro contract": (HEAD + SIZE + 'currency = "EUR"\n', "currency", "only USD", "EUR"),
    "sources as text": (HEAD + SIZE + 'sources = "CME"\n', "sources", "list of citations", "CME"),
    "empty citation": (HEAD + SIZE + 'sources = ["CME", ""]\n', "sources[1]", "non-empty", ""),
    "self full size": (HEAD + SIZE + 'full_size_root = "SP"\n', "full_size_root", "own", "SP"),
    "margin maintenance above initial": (
        HEAD + SIZE + _margin(initial="900.0", maintenance="1000.0"),
        "maintenance_usd", "exceeds initial", 1000.0,
    ),
    "margin zero initial": (
        HEAD + SIZE + _margin(initial="0"), "initial_usd", "positive", 0.0,
    ),
    "margin negative maintenance": (
        HEAD + SIZE + _margin(maintenance="-1.0"), "maintenance_usd", "positive", -1.0,
    ),
    "margin amount as text": (
        HEAD + SIZE + _margin(initial='"1000"'), "initial_usd", "must be a number", "1000",
    ),
    "margin missing source": (
        HEAD + SIZE + MARGIN + "initial_usd = 1.0\nmaintenance_usd = 1.0\n",
        "source", "missing required key", None,
    ),
    "margin empty source": (HEAD + SIZE + _margin(source='""'), "source", "non-empty", ""),
    "margin unknown key": (
        HEAD + SIZE + _margin() + "currency = \"USD\"\n", "currency", "unknown key", "currency",
    ),
    "margin datetime": (
        HEAD + SIZE + _margin(effective="2024-01-01T09:30:00"), "effective", "must be a date",
        dt.datetime(2024, 1, 1, 9, 30),
    ),
    "margin date text": (
        HEAD + SIZE + _margin(effective='"01/02/2024"'), "effective", "ISO date", "01/02/2024",
    ),
    "margin dates unsorted": (
        HEAD + SIZE + _margin(effective="2024-02-01") + _margin(effective="2024-01-01"),
        "effective", "out-of-order", "2024-01-01",
    ),
    "margin dates duplicate": (
        HEAD + SIZE + _margin() + _margin(), "effective", "duplicate", "2024-01-01",
    ),
    "margin not a table": (HEAD + SIZE + "margin = 5\n", "margin", "list of margin tables", 5),
}  # fmt: skip


@pytest.mark.parametrize(("text", "column", "fragment", "value"), CASES.values(), ids=CASES.keys())
def test_validation_errors_name_file_table_field_value(tmp_path, text, column, fragment, value):
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as info:
        load_contracts_toml(path)
    err = info.value
    assert err.source == str(path)
    assert err.column == column
    assert fragment in err.message
    assert "[[contract]] #1" in err.message
    if value is None:
        pass  # missing keys and NaN have no comparable value
    else:
        assert err.value == value
    assert err.row == 1  # line of the [[contract]] header
    assert str(path) in str(err)


def test_margin_errors_name_the_margin_table(tmp_path):
    text = HEAD + SIZE + _margin() + _margin(initial="5.0", maintenance="6.0")
    with pytest.raises(InputError) as info:
        load_contracts_toml(_write(tmp_path, text))
    assert "(root 'SP'), [[contract.margin]] #2:" in info.value.message


def test_error_in_second_contract_reports_its_header_line(tmp_path):
    second = HEAD.replace('"SP"', '"XX"') + "multiplier_usd = 0\ntick_size_points = 0.1\n"
    text = HEAD + SIZE + "\n# a comment\n\n" + second
    with pytest.raises(InputError) as info:
        load_contracts_toml(_write(tmp_path, text))
    assert "[[contract]] #2 (root 'XX')" in info.value.message
    assert info.value.column == "multiplier_usd"
    assert info.value.row == 10  # 6 lines, blank, comment, blank, then the header


def test_syntax_error_reports_line_from_tomllib(tmp_path):
    path = _write(tmp_path, HEAD + "multiplier_usd = = 250\n")
    with pytest.raises(InputError, match="TOML syntax error") as info:
        load_contracts_toml(path)
    assert info.value.row == 5
    assert info.value.source == str(path)


def test_root_repeated_in_file(tmp_path):
    with pytest.raises(InputError, match="already defined in \\[\\[contract\\]\\] #1") as info:
        load_contracts_toml(_write(tmp_path, HEAD + SIZE + "\n" + HEAD + SIZE))
    assert info.value.row == 8  # 6 lines, blank, then the second header
    assert info.value.value == "SP"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "no contracts"),
        ("# only a comment\n", "no contracts"),
        ('title = "mine"\n' + HEAD + SIZE, "unknown top-level key"),
        ("contract = 5\n", "array of tables"),
        ("contract = [5]\n", "not a table"),
    ],
)
def test_file_level_errors(tmp_path, text, fragment):
    path = _write(tmp_path, text)
    with pytest.raises(InputError, match=fragment) as info:
        load_contracts_toml(path)
    assert info.value.source == str(path)


def test_missing_file(tmp_path):
    path = tmp_path / "absent.toml"
    with pytest.raises(InputError, match="not found") as info:
        load_contracts_toml(path)
    assert info.value.source == str(path)


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(HEAD.replace("S&P", "S\xe9P").encode("latin-1") + SIZE.encode())
    with pytest.raises(InputError, match="not UTF-8"):
        load_contracts_toml(path)


def test_directory_instead_of_file(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        load_contracts_toml(tmp_path)


def test_full_size_root_not_in_registry_names_the_file(tmp_path):
    path = _write(tmp_path, HEAD.replace('"SP"', '"MSP"') + SIZE + 'full_size_root = "SP"\n')
    assert load_contracts_toml(path)[0].full_size_root == "SP"  # a link is checked in a registry
    with pytest.raises(InputError, match="not in the registry") as info:
        registry_from_toml(path)
    assert info.value.source == str(path)
    assert info.value.column == "full_size_root"
    assert info.value.value == "SP"
    assert "contract MSP" in info.value.message


def test_micro_linked_to_a_contract_in_the_same_file(tmp_path):
    text = VALID + "\n" + HEAD.replace('"SP"', '"MSP"') + SIZE + 'full_size_root = "SP"\n'
    registry = registry_from_toml(_write(tmp_path, text))
    assert registry.micro_for("SP").root == "MSP"


def test_written_toml_escapes_quotes_and_backslashes(tmp_path):
    spec = ContractSpec(
        root="QQ",
        name='The "quoted" \\ contract ✓',
        index="SPX",
        multiplier_usd=1e-5,
        tick_size_points=1e16,
        sources=('a "b" \\c',),
    )
    path = _write(tmp_path, contracts_to_toml([spec]))
    assert load_contracts_toml(path) == (spec,)
