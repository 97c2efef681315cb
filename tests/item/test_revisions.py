"""ASME Y14.35 revision labels."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yuantus.item.revisions import LETTERS, generation_of, label


def test_first_labels_skip_the_forbidden_letters() -> None:
    labels = [label(n) for n in range(1, 23)]
    assert labels[:9] == ["A", "B", "C", "D", "E", "F", "G", "H", "J"]
    assert labels[19:] == ["Y", "AA", "AB"]
    assert not set("IOQSXZ") & set("".join(label(n) for n in range(1, 1000)))


def test_two_letter_labels_follow_y() -> None:
    assert label(20) == "Y"
    assert label(21) == "AA"
    assert label(40) == "AY"
    assert label(41) == "BA"
    assert label(420) == "YY"
    assert label(421) == "AAA"


@given(st.integers(min_value=1, max_value=10**9))
def test_label_and_generation_round_trip(generation: int) -> None:
    text = label(generation)
    assert set(text) <= set(LETTERS)
    assert generation_of(text) == generation


@given(st.integers(min_value=1, max_value=10**6))
def test_labels_sort_by_length_then_alphabet_like_generations(generation: int) -> None:
    a, b = label(generation), label(generation + 1)
    assert (len(a), a) < (len(b), b)


@pytest.mark.parametrize("bad", ["I", "O", "AQ", "a", "1", "Z", ""])
def test_labels_with_forbidden_characters_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match=r"Y14\.35"):
        generation_of(bad)


def test_generation_zero_has_no_label() -> None:
    with pytest.raises(ValueError, match="starts at 1"):
        label(0)
