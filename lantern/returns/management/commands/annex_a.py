"""`manage.py annex_a --as-of 2026-03-31 --output annex_a.xlsx`: Ofsted's Annex A workbook.

Run by an operator with shell access to the server, so it covers every child (restricted
records included), as the access layer's `children_for_return(None, "annex_a")` gives.
"""

from __future__ import annotations

import logging
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from lantern.access.selectors import children_for_return
from lantern.returns.annex_a import AnnexASpecError, write_annex_a

logger = logging.getLogger("lantern.returns")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of must be a date like 2026-03-31, not {text!r}") from None


class Command(BaseCommand):
    help = "Write Ofsted's Annex A workbook (Lists 1-11) from the record."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, help="The date the lists describe (YYYY-MM-DD).")
        parser.add_argument("--output", required=True, help="The .xlsx file to write.")

    def handle(self, *args, **options):
        as_of = _date(options["as_of"])
        output = options["output"]
        started = time.perf_counter()
        try:
            counts = write_annex_a(output, as_of=as_of, children=children_for_return(None, "annex_a"))
        except AnnexASpecError as e:
            raise CommandError(str(e)) from None
        except OSError as e:
            raise CommandError(f"Could not write {output}: {e}") from None
        seconds = time.perf_counter() - started
        logger.info("Annex A written from the command line, as of %s, to %s", as_of.isoformat(), output)
        rows = ", ".join(f"{name}: {n}" for name, n in counts.items() if n)
        self.stdout.write(f"Annex A as of {as_of:%d %b %Y} written to {output} in {seconds:.1f}s ({rows or 'no rows'})")
