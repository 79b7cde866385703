"""Detect a database file on a network filesystem, where SQLite's locking is unreliable."""

from __future__ import annotations

from pathlib import Path

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb3",
        "smbfs",
        "fuse.sshfs",
        "9p",
        "afs",
        "ceph",
        "glusterfs",
        "fuse.glusterfs",
        "davfs",
        "fuse.davfs2",
        "lustre",
        "gpfs",
    }
)


def filesystem_type(path: Path, mounts_file: Path = Path("/proc/mounts")) -> str | None:
    """Return the type of the filesystem holding ``path``, or None where it cannot be told."""
    try:
        mounts = mounts_file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    target = str(path.resolve())
    best, best_type = "", None
    for line in mounts:
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point = fields[1].replace("\\040", " ")
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) > len(best):
            best, best_type = mount_point, fields[2]
    return best_type


def network_filesystem_warning(path: Path, mounts_file: Path = Path("/proc/mounts")) -> str | None:
    """Return a warning if ``path`` is on a network filesystem, else None."""
    kind = filesystem_type(path, mounts_file)
    if kind in NETWORK_FILESYSTEMS:
        return (
            f"the database {path} is on a network filesystem ({kind}); SQLite's locking is "
            "unreliable there. Keep it on a local disk, or use a PostgreSQL server for a team"
        )
    return None
