"""Which processes a server runs, and which of them holds which connections
(read from /proc: Linux only, as the servers this project targets)."""

from __future__ import annotations

import os
from pathlib import Path


def children_of(pid: int) -> list[int]:
    """Process ids whose parent is ``pid``, found by scanning /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # exited meanwhile
            continue
        # "pid (command) state ppid ...": the command may hold spaces and ")".
        fields = stat.rpartition(")")[2].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def is_running(pid: int) -> bool:
    """Whether ``pid`` exists and is not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def _established_inodes(port: int) -> set[str]:
    """Socket inodes of connections accepted on local ``port`` (IPv4 and IPv6)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if int(local.rpartition(":")[2], 16) == port and state == "01":
                inodes.add(inode)
    return inodes


def connections_by_process(pids: list[int], port: int) -> dict[int, int]:
    """How many established connections on ``port`` each of ``pids`` holds."""
    inodes = _established_inodes(port)
    counts = {}
    for pid in pids:
        held = 0
        folder = Path(f"/proc/{pid}/fd")
        for fd in os.listdir(folder):
            try:
                target = os.readlink(folder / fd)
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                held += 1
        counts[pid] = held
    return counts
