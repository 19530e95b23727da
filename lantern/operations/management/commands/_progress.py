"""A progress bar on the command line (tqdm), or none with --no-progress (cron, systemd)."""

from contextlib import contextmanager

from tqdm import tqdm


def progress_factory(stream, enabled: bool):
    @contextmanager
    def bar(total: int, desc: str):
        with tqdm(total=total, desc=desc, unit="table", file=stream, disable=not enabled, leave=True,
                  dynamic_ncols=True) as progress:  # fmt: skip
            yield progress

    return bar
