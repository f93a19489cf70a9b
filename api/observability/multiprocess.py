"""The files through which worker processes share their metrics.

prometheus-client's multiprocess mode reads `PROMETHEUS_MULTIPROC_DIR` when it is
first imported, so the directory is named in the environment before any worker
starts; the workers inherit it. Values left by an earlier run would be added to
this one's, so the files of processes no longer running are removed from a
directory the operator gave, and a directory made here is removed at the end.
"""

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from prometheus_client import multiprocess

from api.observability.metrics import MULTIPROCESS_VARIABLE

logger = logging.getLogger("bilateral.metrics")


@contextmanager
def shared_metrics(workers: int) -> Iterator[str | None]:
    """The directory the workers write their metrics to (None for one process,
    unless the operator named one)."""
    given = os.environ.get(MULTIPROCESS_VARIABLE, "").strip()
    if given:
        clear_stale_files(Path(given))
        yield given
        return
    if workers <= 1:
        yield None
        return
    directory = tempfile.mkdtemp(prefix="bilateral-metrics-")
    os.environ[MULTIPROCESS_VARIABLE] = directory
    try:
        yield directory
    finally:
        os.environ.pop(MULTIPROCESS_VARIABLE, None)
        shutil.rmtree(directory, ignore_errors=True)


def clear_stale_files(directory: Path) -> None:
    """Remove the files of processes no longer running, creating the directory if
    need be; this process's own (made when its metrics were defined) stay."""
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        pid = stale.stem.rpartition("_")[2]
        if pid.isdigit() and not _is_running(int(pid)):
            stale.unlink(missing_ok=True)


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def forget_process(pid: int) -> None:
    """A worker has died: its connections and pool no longer count."""
    if os.environ.get(MULTIPROCESS_VARIABLE):
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]
        logger.debug("Forgot the live gauges of worker %s", pid)
