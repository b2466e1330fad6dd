"""Tables printed by the benchmark: Markdown that also reads as plain text."""


def markdown_table(columns, items):
    """A Markdown table, padded so that it also reads well as plain text."""
    rows = [[show(item) for _, _, show in columns] for item in items]
    headings = [heading for heading, _, _ in columns]
    widths = [max(map(len, cells)) for cells in zip(headings, *rows)]
    aligns = [align for _, align, _ in columns]

    def line(cells):
        padded = (
            cell.rjust(width) if align == "r" else cell.ljust(width)
            for cell, width, align in zip(cells, widths, aligns)
        )
        return "| " + " | ".join(padded) + " |"

    rule = "|".join(
        "-" * (width + 1) + ":" if align == "r" else "-" * (width + 2)
        for width, align in zip(widths, aligns)
    )
    return "\n".join([line(headings), f"|{rule}|", *(line(row) for row in rows)])
