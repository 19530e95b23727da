"""manage.py cin_census: the DfE children in need census file, from the record.

    manage.py cin_census --year 2026 --la-code 888 [--output census.xml] [--no-progress]

The return covers the collection year ending 31 March of --year (1 April of the year before to
31 March). Without --output the XML goes to standard output. Every run is recorded as a
ReturnJob (started by the command line) with the file's size and SHA-256 checksum; the file
itself is kept only where --output puts it.
"""

from __future__ import annotations

import hashlib
import io
import re
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from lantern.access.selectors import children_for_return
from lantern.returns.census.export import census_filename, census_period, write_census
from lantern.returns.models import ReturnJob, ReturnJobKind, ReturnJobStatus


class Command(BaseCommand):
    help = "Write the DfE children in need census (XML) for the collection year ending 31 March of --year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="The year the collection ends, e.g. 2026.")
        parser.add_argument("--la-code", required=True, help="The council's 3-digit DfE LA number, e.g. 888.")
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar.")

    def handle(self, *args, **options) -> None:
        year, la_code = options["year"], options["la_code"].strip()
        if not re.fullmatch(r"\d{3}", la_code):
            raise CommandError("--la-code must be 3 digits, e.g. 888")
        if not 2000 <= year <= 2100:
            raise CommandError("--year must be a year such as 2026")
        output = options.get("output")
        start, end = census_period(year)
        job = ReturnJob.objects.create(
            kind=ReturnJobKind.CIN_CENSUS,
            parameters={"year": year, "la_code": la_code, "output": output or "-"},
            status=ReturnJobStatus.RUNNING,
            started_at=timezone.now(),
            message="Run from the command line",
        )
        bar = tqdm(desc="Writing children", unit="child", file=sys.stderr, mininterval=0.5,
                   disable=options["no_progress"] or not sys.stderr.isatty())  # fmt: skip

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        began = time.monotonic()
        buffer = io.BytesIO()
        try:
            n = write_census(buffer, year=year, la_code=la_code, children=children_for_return(None, "cin_census"),
                             progress=progress, serial_no=job.pk)  # fmt: skip
            data = buffer.getvalue()
            if output:
                Path(output).write_bytes(data)
            else:
                sys.stdout.buffer.write(data)
                sys.stdout.flush()
        except Exception as e:
            ReturnJob.objects.filter(pk=job.pk).update(
                status=ReturnJobStatus.FAILED, finished_at=timezone.now(), message=f"Failed: {type(e).__name__}: {e}"
            )
            raise
        finally:
            bar.close()
        seconds = time.monotonic() - began
        ReturnJob.objects.filter(pk=job.pk).update(
            status=ReturnJobStatus.DONE,
            progress=100,
            finished_at=timezone.now(),
            message=f"{n:,} children in the return, written by the command line to {output or 'standard output'}.",
            result_name=census_filename(year, la_code),
            result_size=len(data),
            result_sha256=hashlib.sha256(data).hexdigest(),
        )
        self.stderr.write(
            f"{n:,} children, {start:%d %b %Y} to {end:%d %b %Y}, {len(data):,} bytes in {seconds:.2f} s"
            + (f": {output}" if output else "")
        )
