"""ASME Y14.35 revision labels: A, B, ... Y (skipping I O Q S X Z), then AA, AB, ..."""

from __future__ import annotations

LETTERS = "ABCDEFGHJKLMNPRTUVWY"  # 20 letters: I, O, Q, S, X, Z are never used


def label(generation: int) -> str:
    """The label of the n-th revision (1 -> A, 20 -> Y, 21 -> AA)."""
    if generation < 1:
        raise ValueError("generation starts at 1")
    n, out = generation, ""
    # bijective base-20: every label length is used fully before the next
    while n > 0:
        n, rem = divmod(n - 1, len(LETTERS))
        out = LETTERS[rem] + out
    return out


def generation_of(revision: str) -> int:
    """The generation number of a label (inverse of label())."""
    if not revision:
        raise ValueError("an empty string is not a Y14.35 revision label")
    n = 0
    for ch in revision:
        idx = LETTERS.find(ch)
        if idx < 0:
            raise ValueError(f"{revision!r} is not a Y14.35 revision label")
        n = n * len(LETTERS) + idx + 1
    return n
