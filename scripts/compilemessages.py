"""Compile the message catalogs (locale/*/LC_MESSAGES/*.po → .mo) with Babel.

Django's own ``compilemessages`` needs GNU gettext installed; this needs only Python, so
``make demo`` works on a machine without it.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    count = 0
    for po_path in sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=po_path.parent.parent.name)
        with po_path.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        count += 1
    print(f"compiled {count} message catalog(s)")


if __name__ == "__main__":
    main()
