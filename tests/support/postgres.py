"""A throwaway PostgreSQL server for the tests: initdb + pg_ctl in a temporary folder.

The server listens on 127.0.0.1 on a free port (and on a unix socket inside its own folder),
trusts local connections, and runs with ``fsync=off``: it exists for one test session and is
deleted afterwards. ``initdb`` and ``postgres`` refuse to run as root, so when the tests run as
root (CI containers) every server command runs as the unprivileged ``postgres`` OS user that
Debian's ``postgresql`` package creates.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import pwd
import shutil
import socket
import stat
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "postgres"
PASSWORD_USER = "warroom_pw"
_SERVICE_ACCOUNT = "postgres"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries, or no unprivileged account to run them as."""


def find_bin_dir() -> Path:
    """Return the folder holding initdb/pg_ctl (newest installed major version)."""
    explicit = os.environ.get("WARROOM_PG_BIN")
    candidates = [explicit] if explicit else []
    candidates += sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
    )[::-1]
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(str(Path(on_path).parent))
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    raise PostgresUnavailable(
        "PostgreSQL server binaries not found (apt-get install postgresql, or set WARROOM_PG_BIN)"
    )


def _parent_folder(as_root: bool) -> str:
    """Return where to make the server's folder.

    The temp dir, unless the ``postgres`` user could not reach into it (running as root with
    a private TMPDIR) or it is so deep that the unix socket's path would pass its 107-byte
    limit: then /tmp.
    """
    base = Path(tempfile.gettempdir()).resolve()
    reachable = all(folder.stat().st_mode & stat.S_IXOTH for folder in (base, *base.parents))
    if len(str(base)) > 60 or (as_root and not reachable):
        return "/tmp"
    return str(base)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PostgresServer:
    """One PostgreSQL cluster owned by the test session."""

    def __init__(self) -> None:
        self.bin_dir = find_bin_dir()
        self._as_root = os.geteuid() == 0
        self.root = Path(tempfile.mkdtemp(prefix="warroom-pg-", dir=_parent_folder(self._as_root)))
        self.data_dir = self.root / "data"
        self.socket_dir = self.root / "socket"
        self.log_file = self.root / "server.log"
        self.port = _free_port()
        self._names = itertools.count(1)
        self.running = False
        if self._as_root:
            try:
                account = pwd.getpwnam(_SERVICE_ACCOUNT)
            except KeyError as error:
                raise PostgresUnavailable(
                    "running as root needs the 'postgres' OS user (apt-get install postgresql)"
                ) from error
            self._uid, self._gid = account.pw_uid, account.pw_gid
            os.chown(self.root, self._uid, self._gid)
        self.socket_dir.mkdir()
        if self._as_root:
            os.chown(self.socket_dir, self._uid, self._gid)

    # -- running server commands as the right user ------------------------------------------

    def _command(self, program: str, *args: str) -> list[str]:
        command = [str(self.bin_dir / program), *args]
        if self._as_root:
            runuser = shutil.which("runuser")
            if runuser:
                return [runuser, "-u", _SERVICE_ACCOUNT, "--", *command]
            return [
                "setpriv",
                f"--reuid={self._uid}",
                f"--regid={self._gid}",
                "--init-groups",
                *command,
            ]
        return command

    def _run(self, program: str, *args: str) -> None:
        completed = subprocess.run(
            self._command(program, *args),
            capture_output=True,
            text=True,
            timeout=120,
            cwd=self.root,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        if completed.returncode != 0:
            log = (
                self.log_file.read_text(errors="replace")[-3000:] if self.log_file.exists() else ""
            )
            raise RuntimeError(
                f"{program} {' '.join(args)} failed ({completed.returncode}):\n"
                f"{completed.stdout}\n{completed.stderr}\n{log}"
            )

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> None:
        """Create the cluster (first time) and start the server; wait until it accepts."""
        if not self.data_dir.exists():
            self._run(
                "initdb",
                "-D",
                str(self.data_dir),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            )
            # Everyone is trusted except PASSWORD_USER, who must log in with a password
            # (the keychain tests); pg_hba.conf is read top down.
            hba = self.data_dir / "pg_hba.conf"
            rule = f"host all {PASSWORD_USER} 127.0.0.1/32 scram-sha-256\n"
            hba.write_text(rule + hba.read_text())
        options = " ".join(
            [
                f"-p {self.port}",
                f"-k {self.socket_dir}",
                "-c listen_addresses=127.0.0.1",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=200",
            ]
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_file),
            "-o",
            options,
            "-w",
            "start",
        )
        self.running = True
        # Also on an interrupted session (Ctrl+C, an error in a fixture): never leave it running.
        atexit.register(self.cleanup)

    def restart(self) -> None:
        """Restart with ``-m fast``: every client connection is cut, as in a server reboot."""
        # -l again: without it the new server would inherit (and hold open) our stdout pipe.
        self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_file),
            "-m",
            "fast",
            "-w",
            "restart",
        )
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (idempotent).

        ``fast`` shuts down cleanly, like a server reboot; ``immediate`` is a crash, which
        with synchronous_commit=off may lose the last commits.
        """
        if self.running:
            self.running = False
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "stop")

    def cleanup(self) -> None:
        """Stop the server and delete its folder."""
        try:
            self.stop("immediate")  # its data is thrown away next
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    # -- databases ------------------------------------------------------------------------------

    def url(self, database: str = "postgres") -> str:
        """Return a SQLAlchemy URL for ``database`` over TCP."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(sql.encode())

    def create_database(self) -> str:
        """Create a fresh, empty database and return its URL."""
        name = f"warroom_test_{os.getpid()}_{next(self._names)}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return self.url(name)

    def create_password_user(self, password: str) -> None:
        """Create (or reset) :data:`PASSWORD_USER`, who needs ``password`` to connect."""
        escaped = password.replace("'", "''")
        self._admin(
            f"DO $$ BEGIN CREATE ROLE {PASSWORD_USER} LOGIN SUPERUSER; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
        self._admin(f"ALTER ROLE {PASSWORD_USER} PASSWORD '{escaped}'")

    def drop_database(self, url: str) -> None:
        """Drop a database made by :meth:`create_database`, cutting its clients off."""
        name = url.rsplit("/", 1)[1]
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
