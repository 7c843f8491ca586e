"""Suggest the name a misspelt attribute probably meant."""

from __future__ import annotations

from collections.abc import Iterable


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """Return the candidate a typo of `name` most likely meant, or None if none is close."""
    # One edit per four characters, like a human would still recognise ("txet" -> "text").
    limit = max(1, len(name) // 4)
    lowered = name.lower()
    best: tuple[int, str] | None = None
    for candidate in sorted(set(candidates)):
        if abs(len(candidate) - len(name)) > limit or candidate == name:
            continue
        distance = edit_distance(lowered, candidate.lower())
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, candidate)
    return best[1] if best else None


def edit_distance(one: str, other: str) -> int:
    """Return the edit distance, counting a swap of two adjacent letters as one edit."""
    # Optimal string alignment: Levenshtein plus transpositions, the most common typo.
    previous2: list[int] = []
    previous = list(range(len(other) + 1))
    for i, char in enumerate(one, 1):
        current = [i]
        for j, other_char in enumerate(other, 1):
            cost = 0 if char == other_char else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char == other[j - 2] and one[i - 2] == other_char:
                best = min(best, previous2[j - 2] + 1)
            current.append(best)
        previous2, previous = previous, current
    return previous[-1]
