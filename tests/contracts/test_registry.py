"""ContractRegistry: lookup, immutability, overrides, micro and index queries, link checks."""

from __future__ import annotations

import dataclasses

import pytest

from hedgekit.contracts import (
    ContractRegistry,
    ContractSpec,
    default_registry,
    get_contract,
    list_contracts,
)
from hedgekit.errors import InputError, UnknownContractError

BUILTIN_ROOTS = ("ES", "MES", "NQ", "MNQ", "RTY", "M2K", "YM", "MYM")


def _spec(root, index="SPX", full_size_root=None, multiplier=10.0):
    return ContractSpec(
        root=root,
        name=f"Test {root}",
        index=index,
        multiplier_usd=multiplier,
        tick_size_points=0.25,
        full_size_root=full_size_root,
    )


def test_default_registry_holds_the_builtins_in_order():
    registry = default_registry()
    assert registry.roots() == BUILTIN_ROOTS
    assert tuple(registry) == list_contracts()
    assert len(registry) == 8
    assert registry is default_registry()


@pytest.mark.parametrize("text", ["ES", "es", "Es", " es ", "\tES\n"])
def test_lookup_is_case_insensitive(text):
    assert get_contract(text).root == "ES"
    assert default_registry().get(text).root == "ES"
    assert text in default_registry()


def test_contains_rejects_non_text_and_unknown():
    registry = default_registry()
    assert "SP" not in registry
    assert 5 not in registry
    assert None not in registry
    assert get_contract("ES") not in registry  # membership is by root text


def test_unknown_root_lists_known_roots():
    with pytest.raises(UnknownContractError) as info:
        get_contract("ESZ")
    err = info.value
    assert isinstance(err, InputError)
    assert isinstance(err, KeyError)
    assert err.value == "ESZ"
    for root in BUILTIN_ROOTS:
        assert root in err.expected
    assert "did you mean 'ES'" in str(err)


def test_non_text_root_is_an_input_error():
    with pytest.raises(InputError):
        get_contract(50)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("full", "micro"), [("ES", "MES"), ("NQ", "MNQ"), ("RTY", "M2K"), ("YM", "MYM"), ("es", "MES")]
)
def test_micro_for(full, micro):
    assert default_registry().micro_for(full).root == micro


@pytest.mark.parametrize("root", ["MES", "MNQ", "M2K", "MYM"])
def test_micros_have_no_micro(root):
    assert default_registry().micro_for(root) is None


def test_micro_for_unknown_root_raises():
    with pytest.raises(UnknownContractError):
        default_registry().micro_for("SP")


@pytest.mark.parametrize(
    ("index", "roots"),
    [
        ("SPX", ("ES", "MES")),
        ("spx", ("ES", "MES")),
        ("NDX", ("NQ", "MNQ")),
        ("RUT", ("RTY", "M2K")),
        ("DJI", ("YM", "MYM")),
        ("N225", ()),
    ],
)
def test_for_index(index, roots):
    assert tuple(s.root for s in default_registry().for_index(index)) == roots


def test_with_contracts_returns_a_new_registry_and_leaves_the_old_one():
    base = default_registry()
    sp = _spec("SP", multiplier=250.0)
    extended = base.with_contracts([sp])
    assert extended.roots() == (*BUILTIN_ROOTS, "SP")
    assert extended.get("sp") is sp
    assert base.roots() == BUILTIN_ROOTS
    assert "SP" not in base
    assert extended.for_index("SPX") == (get_contract("ES"), get_contract("MES"), sp)


def test_override_replaces_in_place():
    es = dataclasses.replace(get_contract("ES"), name="E-mini S&P 500 (my broker)")
    registry = default_registry().with_contracts([es])
    assert registry.roots() == BUILTIN_ROOTS
    assert registry.get("ES") is es
    assert registry.micro_for("ES").root == "MES"
    assert get_contract("ES").name == "E-mini S&P 500"


def test_override_refused_when_not_allowed():
    es = dataclasses.replace(get_contract("ES"), name="other")
    with pytest.raises(InputError, match="allow_override") as info:
        default_registry().with_contracts([es], allow_override=False)
    assert info.value.column == "root"
    assert info.value.value == "ES"
    # New roots are still fine without overrides.
    assert "SP" in default_registry().with_contracts([_spec("SP")], allow_override=False)


def test_root_repeated_in_one_call_is_rejected():
    with pytest.raises(InputError, match="defined twice"):
        default_registry().with_contracts([_spec("SP"), _spec("SP")])
    with pytest.raises(InputError, match="defined twice"):
        ContractRegistry([_spec("AA"), _spec("AA")])


def test_non_spec_is_rejected():
    with pytest.raises(InputError, match="not a ContractSpec"):
        default_registry().with_contracts(["ES"])  # type: ignore[list-item]
    with pytest.raises(InputError, match="not a ContractSpec"):
        ContractRegistry([{"root": "ES"}])  # type: ignore[list-item]


def test_full_size_root_must_exist():
    with pytest.raises(InputError, match="not in the registry") as info:
        default_registry().with_contracts([_spec("MSP", full_size_root="SP")], source="f.toml")
    assert info.value.source == "f.toml"
    assert info.value.column == "full_size_root"
    assert info.value.value == "SP"


def test_full_size_root_must_not_be_a_micro():
    with pytest.raises(InputError, match="names a micro"):
        default_registry().with_contracts([_spec("XMES", full_size_root="MES")])


def test_full_size_root_must_be_on_the_same_index():
    with pytest.raises(InputError, match="another index"):
        default_registry().with_contracts([_spec("XNQ", index="SPX", full_size_root="NQ")])


def test_at_most_one_micro_per_full_size_contract():
    with pytest.raises(InputError, match="already has the micro MES"):
        default_registry().with_contracts([_spec("XES", full_size_root="ES")])


def test_overriding_an_emini_onto_another_index_breaks_its_micro():
    es = dataclasses.replace(get_contract("ES"), index="SPXEW")
    with pytest.raises(InputError, match="another index"):
        default_registry().with_contracts([es])


def test_registry_equality_and_repr():
    assert ContractRegistry(list_contracts()) == default_registry()
    assert hash(ContractRegistry(list_contracts())) == hash(default_registry())
    assert ContractRegistry() != default_registry()
    assert repr(default_registry()) == "ContractRegistry(ES, MES, NQ, MNQ, RTY, M2K, YM, MYM)"
    assert len(ContractRegistry()) == 0


def test_registry_has_no_mutable_state():
    registry = default_registry()
    with pytest.raises(AttributeError):
        registry.extra = 1  # type: ignore[attr-defined]
