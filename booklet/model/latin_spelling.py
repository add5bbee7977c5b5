"""How Kazakh is spelt in the 2021 Latin alphabet where the alphabet leaves a choice.

A model (not part of `latin.py`) because a lesson or course file may give its own spelling
under `latin:`, and the content model cannot import the converter that imports it.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from .base import ContentModel, YesNo

RUSSIAN_ONLY = "ёцчщъьэюя"
"""Cyrillic letters of Kazakh text that the 31 Latin letters do not cover."""

DEFAULT_RUSSIAN_LETTERS = {"ё": "io", "ц": "s", "ч": "ç", "щ": "ş", "ъ": "", "ь": "", "э": "e", "ю": "iu", "я": "ia"}
"""The default spelling of `RUSSIAN_ONLY`; booklet/latin.py's docstring says why."""

SETTING_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzäçğıñöşūü")
"""What a spelling in `LatinSettings` may be made of: the bundled fonts have all of these, in both cases."""


class LatinSettings(ContentModel):
    """How the letters outside the 2021 alphabet are written."""

    russian_letters: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_RUSSIAN_LETTERS))
    """Lower-case Cyrillic letter (ё ц ч щ ъ ь э ю я) → its lower-case Latin spelling; "" drops it.
    Letters not given keep their default."""
    no_double_i: YesNo = True
    """After И or Й, write Я Ю Ё without their glide i: индустрия → industria, not industriia."""

    @field_validator("russian_letters")
    @classmethod
    def _known_letters_and_spellings(cls, letters: dict[str, str]) -> dict[str, str]:
        for letter, spelling in letters.items():
            if letter not in RUSSIAN_ONLY or len(letter) != 1:
                raise ValueError(f"{letter!r} is not one of {' '.join(RUSSIAN_ONLY)}")
            if not set(spelling) <= SETTING_LETTERS:
                raise ValueError(
                    f"{letter} → {spelling!r}: use lower-case letters of {''.join(sorted(SETTING_LETTERS))}"
                )
        return DEFAULT_RUSSIAN_LETTERS | letters
