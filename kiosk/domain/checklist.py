"""A request's requirements checklist: the document type's list as it is now,
with what the office has received (pure, no Flask or database).

A tick belongs to the words it was given for, not to a line number: the admin
may reorder, reword or remove lines after requests exist. A line whose words
still appear in the list keeps its tick; a ticked line the list no longer has
is kept (shown as no longer listed) rather than lost; a reworded line starts
unticked, because the office has not said it received the new wording.
"""

from dataclasses import dataclass


def key(text):
    """What two texts of the same requirement share: case and spacing aside."""
    return " ".join(text.split()).casefold()


def lines(text):
    """The requirements of one list's text, one per line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@dataclass(frozen=True, slots=True)
class Item:
    key: str
    position: int  # the line in the list (or, no longer listed, the line it was)
    text_id: str
    text_en: str
    listed: bool  # in the document type's list now
    received: bool
    mark: object = None  # the newest mark (who and when), None if never ticked

    def text(self, locale):
        return self.text_en if locale == "en" and self.text_en else self.text_id


def items(requirements_id, requirements_en, marks):
    """The checklist: the listed requirements in order, then the ticked ones
    the list no longer has (by their old line).

    `requirements_id`/`requirements_en`: the document type's texts (one per
    line, the English in the same order); `marks`: objects with position,
    text_id, text_en and received, oldest first.
    """
    newest = {}
    for mark in marks:
        newest[key(mark.text_id)] = mark
    english = lines(requirements_en)
    result, seen = [], set()
    for position, text in enumerate(lines(requirements_id)):
        line_key = key(text)
        if line_key in seen:  # the same line twice is one requirement
            continue
        seen.add(line_key)
        mark = newest.get(line_key)
        text_en = english[position] if position < len(english) else ""
        received = bool(mark and mark.received)
        result.append(Item(line_key, position, text, text_en, True, received, mark))
    gone = [
        mark
        for mark_key, mark in newest.items()
        if mark_key not in seen and mark.received
    ]
    for mark in sorted(gone, key=lambda m: m.position):
        result.append(
            Item(
                key(mark.text_id),
                mark.position,
                mark.text_id,
                mark.text_en,
                False,
                True,
                mark,
            )
        )
    return result


def still_needed(checklist):
    """The listed requirements the office has not received."""
    return [item for item in checklist if item.listed and not item.received]
