"""Namespaces, mounts, private uids and clean-up: everything that isolates a run from the host.

Two ways to get isolation (`template.py` picks one):

- shared (root, the fast path): the template process enters new PID / network / mount / IPC
  namespaces once, mounts private tmpfs over the world-writable directories once, and every run
  gets a fresh uid, a fresh size-capped tmpfs work dir, and a kill of every process of its uid
  when it ends. Creating and tearing down namespaces costs ~10 ms per run; this costs ~0.1 ms.
- per run (no root, or a step of the shared setup failed, or a fresh interpreter per run): each
  run unshares whatever the kernel allows, as before.
"""

from __future__ import annotations

import os
import sys

from .proto import (
    AT_FDCWD,
    AT_RECURSIVE,
    CLONE_NEWIPC,
    CLONE_NEWNET,
    CLONE_NEWNS,
    CLONE_NEWPID,
    CLONE_NEWUSER,
    JUDGE_OFFSET,
    MOUNT_ATTR_RDONLY,
    MS_BIND,
    MS_NODEV,
    MS_NOSUID,
    MS_PRIVATE,
    MS_REC,
    SYS_MOUNT_SETATTR,
    UID_BASE,
    host_pid,
    libc,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

WRITABLE_DIRS = ("/tmp", "/var/tmp", "/run/lock", "/dev/shm")
RUNS = "/tmp/.rmg-runs"  # work dirs of the shared namespaces' runs, as a run sees it (in its root)
ROOT = "/tmp/.rmg-root"  # the runs' root directory (shared mode), as the template sees it
SYSTEM = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32")  # programs and libraries
ETC = ("alternatives", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "passwd", "group", "nsswitch.conf")
DEVICES = ("null", "zero", "full", "random", "urandom")
MS_RDONLY = 1
MS_REMOUNT = 32
MS_NOEXEC = 8
QUEUES = "/tmp/.rmg-mqueue"  # the shared IPC namespace's POSIX message queues, seen by the template only
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the plugin's package dir


def unshare_ladder(root: bool) -> dict[str, bool]:
    """Unshare the strongest set the kernel and our privileges allow; return what is active.
    Without root, a user namespace comes first (it grants the rest), with our own uid and gid
    mapped to themselves so that files keep their owners and the run can create files."""
    c = libc()
    ladder = (
        [
            (CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWIPC, ("pidns", "netns", "mountns", "ipcns")),
            (CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS, ("pidns", "netns", "mountns")),
            (CLONE_NEWPID | CLONE_NEWNET, ("pidns", "netns")),
            (CLONE_NEWNET, ("netns",)),
        ]
        if root
        else [
            (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET, ("userns", "mountns", "pidns", "netns")),
            (CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET, ("userns", "pidns", "netns")),
            (CLONE_NEWUSER | CLONE_NEWNET, ("userns", "netns")),
        ]
    )
    uid, gid = os.geteuid(), os.getegid()  # before: in a new user namespace they read as unmapped
    for flags, names in ladder:
        if c.unshare(flags) == 0:
            active = {name: True for name in names}
            if flags & CLONE_NEWUSER and not map_own_ids(uid, gid):
                active.pop("mountns", None)  # unmapped, we could mount but not create a file
            return active
    return {}


def map_own_ids(uid: int, gid: int) -> bool:
    """In a user namespace we just made: uid and gid mapped to themselves, no setgroups."""
    for name, text in (
        ("setgroups", b"deny"),
        ("uid_map", b"%d %d 1" % (uid, uid)),
        ("gid_map", b"%d %d 1" % (gid, gid)),
    ):
        try:
            fd = os.open("/proc/self/" + name, os.O_WRONLY)
            try:
                os.write(fd, text)
            finally:
                os.close(fd)
        except OSError:
            return False
    return True


def readonly_tree() -> bool:
    """Every mount of our mount namespace read-only, recursively (mount_setattr, Linux 5.12+).
    For a user namespace's runs, which keep the calling user's uid: what it owns (its home,
    Python's site-packages, this checkout) must not be writable by the code. Mounts made
    afterwards (the private tmpfs, the work dir) are writable; /dev/null & co. stay writable
    (device files ignore a read-only mount)."""
    import ctypes

    attr = (ctypes.c_uint64 * 4)(MOUNT_ATTR_RDONLY, 0, 0, 0)  # attr_set, attr_clr, propagation, userns_fd
    done = libc().syscall(
        SYS_MOUNT_SETATTR,
        ctypes.c_long(AT_FDCWD),
        b"/",
        ctypes.c_uint(AT_RECURSIVE),
        ctypes.byref(attr),
        ctypes.c_size_t(32),
    )
    return bool(done == 0)


def needed_paths(extra: list[str]) -> list[str]:
    paths = [sys.base_prefix, sys.prefix, HERE] + list(extra)
    return list(dict.fromkeys(os.path.realpath(p) for p in paths if p and os.path.isdir(p)))


def closed_ancestor(path: str) -> str | None:
    """The first directory on the way to `path` that other users may not enter, or None."""
    current = "/"
    for part in path.strip("/").split("/"):
        current = os.path.join(current, part)
        try:
            mode = os.stat(current).st_mode
        except OSError:
            return None
        if mode & 0o005 != 0o005 and current != path:
            return current
    return None


def expose_interpreter(extra: list[str]) -> list[str]:
    """Make Python readable for the sandbox uids where it lives under a closed directory
    (pyenv in /root, mode 0700): a fresh tmpfs goes over the closed directory (hiding the rest
    of it) and only the needed subdirectories are bind-mounted back. Returns what is still closed."""
    c = libc()
    by_dir: dict[str, list[str]] = {}
    for path in needed_paths(extra):
        closed = closed_ancestor(path)
        if closed is not None:
            by_dir.setdefault(closed, []).append(path)
    still_closed: list[str] = []
    for closed, paths in sorted(by_dir.items()):
        handles = [(p, os.open(p, os.O_PATH | os.O_DIRECTORY)) for p in sorted(set(paths))]
        if c.mount(b"tmpfs", closed.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, b"size=1m,mode=0755") != 0:
            still_closed.extend(paths)
            continue
        for path, fd in handles:
            os.makedirs(path, exist_ok=True)
            source = ("/proc/self/fd/%d" % fd).encode()
            if c.mount(source, path.encode(), None, MS_BIND | MS_REC, None) != 0:
                still_closed.append(path)
            os.close(fd)
    return still_closed


def mount_shared_dirs(extra: list[str], active: dict[str, Any]) -> bool:
    """In a fresh mount namespace: private propagation, Python exposed to other uids, private
    tmpfs over every world-writable directory. False if our mounts could leak to the host."""
    if libc().mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None) != 0:
        return False  # without private propagation our mounts would reach the host: none at all
    if active.get("userns"):
        active["readonly"] = readonly_tree()
    active["closed"] = expose_interpreter(extra)
    needed = needed_paths(extra)
    hidden = []
    for path in WRITABLE_DIRS:
        if not os.path.isdir(path):
            continue
        real = os.path.realpath(path)
        inside = [p for p in needed if p == real or p.startswith(real + "/")]
        if real in inside:
            continue  # Python itself is this directory: it cannot be hidden
        # Python or this package may live below it (a checkout in /tmp): keep handles to them,
        # cover the directory with a private tmpfs, then bind them back at the same paths.
        handles = [(p, os.open(p, os.O_PATH | os.O_DIRECTORY)) for p in inside]
        try:
            if libc().mount(b"tmpfs", path.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, b"size=8m,mode=1777") != 0:
                continue
            hidden.append(path)
            for target, fd in handles:
                os.makedirs(target, exist_ok=True)
                source = ("/proc/self/fd/%d" % fd).encode()
                if libc().mount(source, target.encode(), None, MS_BIND | MS_REC, None) != 0:
                    active.setdefault("closed", []).append(target)
        finally:
            for _, fd in handles:
                os.close(fd)
    active["hidden"] = hidden
    return True


def mount_own_proc() -> bool:
    """A procfs of our PID namespace over /proc, in our mount namespace (per-run mode)."""
    return bool(libc().mount(b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None) == 0)


def mount_workdir(workdir: str, disk: int, active: dict[str, Any]) -> bool:
    """A private, size-capped tmpfs as the run's work dir (~0.1 ms with its unmount)."""
    try:
        os.mkdir(workdir)  # its parent exists (the shared runs dir, or the host's temp dir)
    except FileExistsError:
        pass
    size = ("size=%d,mode=0700" % disk).encode()
    if libc().mount(b"tmpfs", workdir.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, size) != 0:
        return False
    active["tmpfs"] = "work dir on a private %d MB tmpfs; private tmpfs over %s%s" % (
        disk >> 20,
        ", ".join(p[len(active.get("root", "")) :] for p in active.get("hidden", [])) or "nothing",
        "; everything else read-only" if active.get("readonly") else "",
    )
    return True


def enter_run(job: dict[str, Any], shared: dict[str, Any], pid: int = 0) -> dict[str, Any]:
    """A run's own piece of the shared namespaces, set up by its root process (H, J or W itself):
    a fresh private uid (from our unique host pid; its judge's is JUDGE_OFFSET above), the runs'
    own root (`build_root`), and a fresh tmpfs work dir named after the uid, so the template can
    find and clean up both once the run is over (`pid`: the host pid the uid derives from, the
    template's child; ours by default). Returns the active protections."""
    uid = UID_BASE + (pid or host_pid())  # before the chroot: /proc there is the namespace's
    active = dict(shared)
    if shared.get("root"):
        os.chroot(shared["root"])
        os.chdir("/")
    job["netns"] = True
    job["workdir"] = workdir = "%s/%d" % (RUNS, uid)
    job["env"] = dict(job["env"], HOME=workdir, TMPDIR=workdir)
    mount_workdir(workdir, job["limits"]["disk"], active)
    os.chown(workdir, uid, uid)
    job["uid"] = active["uid"] = uid
    job["judge_uid"] = uid + JUDGE_OFFSET
    del active["hidden"]
    active.pop("root", None)
    return active


def bind(source: str, target: str, readonly: bool = True) -> bool:
    c = libc()
    if c.mount(source.encode(), target.encode(), None, MS_BIND | MS_REC, None) != 0:
        return False
    if readonly:  # a bind mount takes its flags only on a remount
        c.mount(None, target.encode(), None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID, None)
    return True


def build_root(extra: list[str], active: dict[str, Any]) -> bool:
    """The runs' root directory (shared mode): a tmpfs holding only what running Python code
    needs: the system's programs and libraries (/usr and its links), a few files of /etc,
    Python and the site-packages (read-only binds), a few devices, private tmpfs for the
    world-writable dirs, and a /proc of the runs' own PID namespace that shows a run only its
    own processes (hidepid=2). Nothing else of the host (datasets, checkouts, home dirs) exists
    there, and no host process can be named. False when it cannot be built: runs then isolate
    themselves (`template.launch`)."""
    c = libc()
    os.mkdir(ROOT, 0o755)
    if c.mount(b"tmpfs", ROOT.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, b"size=1m,mode=0755") != 0:
        return False

    def place(path: str) -> str | None:
        """A mount point in the root for host `path` (a link is copied instead: None)."""
        target = ROOT + path
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.islink(path):
            os.symlink(os.readlink(path), target)
            return None
        if os.path.isdir(path):
            os.makedirs(target, exist_ok=True)
        else:
            os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o644))
        return target

    for name in SYSTEM:
        path = "/" + name
        if os.path.lexists(path):
            target = place(path)
            if target is not None and not bind(path, target):
                return False
    for name in ETC:
        path = "/etc/" + name
        if os.path.lexists(path):
            target = place(path)
            if target is not None:
                bind(path, target)
    hidden = []
    for path in WRITABLE_DIRS:
        os.makedirs(ROOT + path, exist_ok=True)
        if c.mount(b"tmpfs", (ROOT + path).encode(), b"tmpfs", MS_NOSUID | MS_NODEV, b"size=8m,mode=1777") != 0:
            return False
        hidden.append(ROOT + path)
    for path in needed_paths(extra):  # after the tmpfs above: Python may live in /tmp (a checkout there)
        if path == HERE or os.path.isdir(ROOT + path):
            continue  # the sandbox's own modules are imported before a run starts
        os.makedirs(ROOT + path, 0o755, exist_ok=True)
        if not bind(path, ROOT + path):
            return False
    for name in DEVICES:
        path = "/dev/" + name
        if os.path.exists(path):
            target = place(path)
            if target is not None and not bind(path, target, readonly=False):
                return False
    for name, link in (
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
    ):
        os.symlink(link, ROOT + "/dev/" + name)
    # Work dirs go in a directory the sandbox uids cannot write (so no run can plant a symlink
    # where a later run's work dir will be mounted).
    os.mkdir(ROOT + RUNS, 0o711)
    os.mkdir(ROOT + "/proc", 0o555)
    pid = os.fork()  # procfs shows the PID namespace of who mounts it: one of ours (we are outside)
    if pid == 0:
        done = c.mount(b"proc", (ROOT + "/proc").encode(), b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, b"hidepid=2")
        os._exit(0 if done == 0 else 1)
    _, status = os.waitpid(pid, 0)
    if status != 0:
        return False
    active["hidden"] = hidden
    active["root"] = ROOT
    active["private_root"] = True
    return True


def mount_queues(active: dict[str, Any]) -> None:
    """The IPC namespace's POSIX message queues as files (an mqueue fs), in a directory only root
    may enter, so that a run's leftover queues can be found and removed like its files."""
    try:
        os.mkdir(QUEUES, 0o700)
    except OSError:
        return
    if libc().mount(b"mqueue", QUEUES.encode(), b"mqueue", MS_NOSUID | MS_NODEV, None) == 0:
        active["queues"] = QUEUES
