"""Tracking numbers: alphabet, check symbol, display and forgiving input."""

import secrets

import pytest

from kiosk.domain import tracking

SAMPLE_SIZE = 3000


def test_alphabet_has_31_symbols_without_look_alikes():
    assert len(tracking.ALPHABET) == 31
    assert len(set(tracking.ALPHABET)) == 31
    assert not set("ILOUZ") & set(tracking.ALPHABET)


def test_generated_numbers_are_nine_valid_symbols():
    for _ in range(500):
        number = tracking.generate()
        assert len(number) == 9
        assert set(number) <= set(tracking.ALPHABET)
        assert tracking.is_valid(number)


def test_generated_numbers_differ():
    numbers = {tracking.generate() for _ in range(2000)}
    assert len(numbers) == 2000


def _sample_numbers():
    rng = secrets.SystemRandom()
    numbers = [tracking.generate() for _ in range(SAMPLE_SIZE)]
    # Edge cases: all-zero body and all-maximum body.
    numbers.append("00000000" + tracking.check_symbol("00000000"))
    numbers.append("YYYYYYYY" + tracking.check_symbol("YYYYYYYY"))
    rng.shuffle(numbers)
    return numbers


def test_every_single_substitution_fails_the_check():
    """Exhaustive over the sample: each position, each other symbol."""
    checked = 0
    for number in _sample_numbers():
        for position in range(len(number)):
            for symbol in tracking.ALPHABET:
                if symbol == number[position]:
                    continue
                changed = number[:position] + symbol + number[position + 1 :]
                assert not tracking.is_valid(changed), (number, changed)
                checked += 1
    assert checked == (SAMPLE_SIZE + 2) * 9 * 30


def test_every_adjacent_swap_fails_the_check():
    """Exhaustive over the sample: every swap of two different adjacent symbols."""
    checked = 0
    for number in _sample_numbers():
        for position in range(len(number) - 1):
            a, b = number[position], number[position + 1]
            if a == b:
                continue  # swapping equal symbols changes nothing
            swapped = number[:position] + b + a + number[position + 2 :]
            assert not tracking.is_valid(swapped), (number, swapped)
            checked += 1
    assert checked > SAMPLE_SIZE * 7


def test_display_groups_in_threes():
    assert tracking.display("7KQ4M2XP9") == "7KQ-4M2-XP9"


@pytest.fixture
def number():
    return tracking.generate()


def test_parse_accepts_the_canonical_form(number):
    assert tracking.parse(number).number == number


@pytest.mark.parametrize(
    "transform",
    [
        str.lower,
        tracking.display,
        lambda n: " ".join(n[i : i + 3] for i in range(0, 9, 3)),
        lambda n: f"  {n[:3]}.{n[3:6]}.{n[6:]}  ",
        lambda n: f"https://dukcapil.example.go.id/t/{n}",
        lambda n: f"http://127.0.0.1:8080/t/{tracking.display(n)}?lang=en",
        lambda n: f"dukcapil.example.go.id/t/{n.lower()}/receipt",
    ],
    ids=["lower", "grouped", "spaces", "dots", "url", "url-grouped", "url-receipt"],
)
def test_parse_forgives_case_separators_and_urls(number, transform):
    assert tracking.parse(transform(number)).number == number


def test_parse_maps_look_alike_letters():
    body = "0112V000"
    number = body + tracking.check_symbol(body)
    typed = "OIL" + "Z" + "U" + "000" + number[-1]
    assert tracking.parse(typed).number == number


@pytest.mark.parametrize("text", ["", "   ", "--", None])
def test_parse_empty_input(text):
    assert tracking.parse(text).error == tracking.EMPTY


@pytest.mark.parametrize(
    "text", ["ABC", "7KQ4M2XP9X", "7KQ4M2XP!", "7KQ4M2XP", "ÄÖÜ123456"]
)
def test_parse_wrong_length_or_symbols_is_malformed(text):
    assert tracking.parse(text).error == tracking.MALFORMED


def test_parse_reports_a_typo_when_the_check_fails(number):
    other = "1" if number[0] != "1" else "2"
    assert tracking.parse(other + number[1:]).error == tracking.TYPO
