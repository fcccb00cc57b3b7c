"""What a run leaves behind, removed when it ends: its processes (by uid), its work dir, its files
in the shared writable dirs, its System V IPC objects and POSIX message queues."""

from __future__ import annotations

import os

from .isolate import RUNS
from .proto import JUDGE_OFFSET, MNT_DETACH, SIGKILL, libc, read_file

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def clean_run(uid: int, shared: dict[str, Any]) -> None:
    """What a shared-namespace run leaves once its processes are gone: its work dir, its files in
    the shared writable dirs, its System V IPC objects and POSIX message queues (of its uid and of
    its judge's)."""
    workdir = shared.get("root", "") + "%s/%d" % (RUNS, uid)
    if os.path.isdir(workdir):
        unmount_workdir(workdir)
    uids = (uid, uid + JUDGE_OFFSET)
    remove_owned(shared.get("hidden", []) + ([shared["queues"]] if "queues" in shared else []), uids)
    remove_ipc(uids)


def unmount_workdir(workdir: str) -> None:
    libc().umount2(workdir.encode(), MNT_DETACH)
    try:
        os.rmdir(workdir)
    except OSError:
        remove_tree(workdir)


def kill_uid(uid: int) -> None:
    """SIGKILL every process of `uid`, from a short-lived child that takes that uid: kill(-1) then
    reaches exactly the processes that uid may signal, i.e. its own (and not the caller). The
    kernel holds the task list while it delivers, so a fork bomb cannot add a process mid-kill;
    repeated until nothing is left to be safe."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            for _ in range(100):
                os.kill(-1, SIGKILL)
        except OSError:
            pass  # ESRCH: nothing (left) to kill
        os._exit(0)
    os.waitpid(pid, 0)


def remove_tree(path: str) -> None:
    """rm -rf without shutil (not imported in the child): directories first made writable."""
    try:
        entries = list(os.scandir(path))
    except NotADirectoryError:
        os.unlink(path)
        return
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                os.chmod(entry.path, 0o700)
                remove_tree(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:
            pass
    try:
        os.rmdir(path)
    except OSError:
        pass


def remove_owned(dirs: list[str], uids: tuple[int, ...]) -> None:
    """Remove what `uid` left at the top of the shared writable dirs (sticky: it can create
    nothing deeper in a directory it does not own), so no run sees another's files."""
    for path in dirs:
        try:
            names = os.listdir(path)  # usually empty: one call, no stat
        except OSError:
            continue
        for name in names:
            entry = path + "/" + name
            try:
                st = os.lstat(entry)
                if st.st_uid in uids:
                    if st.st_mode & 0o170000 == 0o040000:  # a directory (not a link to one)
                        remove_tree(entry)
                    else:
                        os.unlink(entry)
            except OSError:
                pass


def remove_ipc(uids: tuple[int, ...]) -> None:
    """Remove the System V shared memory, queues and semaphores `uids` created: the IPC namespace
    is shared by the template's runs, and these outlive their creator."""
    c = libc()
    for kind, ctl in (("shm", c.shmctl), ("msg", c.msgctl), ("sem", c.semctl)):
        try:
            data = read_file("/proc/sysvipc/" + kind)
        except OSError:
            continue
        lines = data.split(b"\n")
        header = lines[0].split()
        if b"uid" not in header or len(header) < 2:
            continue
        at = header.index(b"uid")
        wanted = [b"%d" % uid for uid in uids]
        for row in (line.split() for line in lines[1:]):
            if len(row) > at and row[at] in wanted:
                if kind == "sem":
                    ctl(int(row[1]), 0, 0, None)  # IPC_RMID
                else:
                    ctl(int(row[1]), 0, None)  # IPC_RMID
