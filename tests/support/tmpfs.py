"""Where tests keep throwaway files: RAM-backed /dev/shm when it is usable.

The app opens SQLite with synchronous=FULL (a receipt must survive power loss), so
every commit waits for fsync; on tmpfs fsync returns at once. Measured on the
2-core machine: about a quarter off the wall time of the SQLite tests, and more
for the PostgreSQL ones (CREATE DATABASE checkpoints write whole files). A crash
of a server *process* (the durability tests' SIGKILL) still finds everything
written, since tmpfs lives as long as the machine does.

KIOSK_TEST_TMPFS=0 turns this off (files then go to the usual temp folder).
"""

import os
import shutil
import tempfile

SHM = "/dev/shm"
MIN_FREE = 2 * 1024**3  # the load tests write a few hundred MB at most


def fast_temp_root() -> str:
    if os.environ.get("KIOSK_TEST_TMPFS", "1") != "0":
        try:
            usable = os.access(SHM, os.W_OK | os.X_OK)
            if usable and shutil.disk_usage(SHM).free >= MIN_FREE:
                return SHM
        except OSError:
            pass
    return tempfile.gettempdir()
