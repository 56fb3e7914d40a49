"""Fail when the Chinese catalog has an untranslated or fuzzy entry (run after makemessages)."""

import sys
from pathlib import Path

from babel.messages.pofile import read_po

PO = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def main() -> int:
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if message.fuzzy or not all(strings):
            problems.append(message.id if isinstance(message.id, str) else message.id[0])
    for problem in problems:
        print(f"untranslated or fuzzy: {problem!r}")
    print(f"{len(catalog)} messages, {len(problems)} to fix")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
