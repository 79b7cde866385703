"""A throwaway Dovecot IMAP server for the tests, like tests/support/postgres.py for PostgreSQL.

Its own configuration in a temporary folder (nothing of /etc/dovecot is read), users from a
passwd-file, Maildir storage in the folder, IMAPS and IMAP+STARTTLS on free ports of
127.0.0.1 with a certificate from a ``trustme`` CA, plaintext logins refused without TLS.
Dovecot runs mail processes as an unprivileged user: as root (CI containers) that is
``nobody`` and the login/internal users of the distribution's package (``dovenull``,
``dovecot``); as anyone else, that user throughout.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DOVECOT_CANDIDATES = ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot")


class DovecotUnavailable(RuntimeError):
    """No Dovecot binary (apt-get install dovecot-imapd)."""


def find_dovecot() -> str:
    """Return the dovecot binary."""
    explicit = os.environ.get("WARROOM_DOVECOT")
    for candidate in (explicit, shutil.which("dovecot"), *DOVECOT_CANDIDATES):
        if candidate and Path(candidate).exists():
            return candidate
    raise DovecotUnavailable("Dovecot not found (apt-get install dovecot-imapd)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class DovecotServer:
    """One Dovecot instance owned by a test; ``users`` maps login to password."""

    def __init__(self, users: dict[str, str]) -> None:
        import trustme

        self.binary = find_dovecot()
        self.root = Path(tempfile.mkdtemp(prefix="warroom-imap-", dir="/tmp"))
        os.chmod(self.root, 0o755)
        self.imap_port = _free_port()
        self.imaps_port = _free_port()
        self.users = users
        self.ca = trustme.CA()
        cert = self.ca.issue_cert("127.0.0.1", "localhost")
        cert.private_key_pem.write_to_path(str(self.root / "key.pem"))
        cert.cert_chain_pems[0].write_to_path(str(self.root / "cert.pem"))
        self.ca_path = self.root / "ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_path))
        self.log_file = self.root / "dovecot.log"
        self._process: subprocess.Popen[bytes] | None = None
        as_root = os.geteuid() == 0
        me = pwd.getpwuid(os.geteuid()).pw_name
        mail_user = pwd.getpwnam("nobody") if as_root else pwd.getpwuid(os.geteuid())
        self.mail_uid, self.mail_gid = mail_user.pw_uid, mail_user.pw_gid
        self.login_user = "dovenull" if as_root else me
        self.internal_user = "dovecot" if as_root else me
        (self.root / "home").mkdir()
        for folder in ("run", "state"):
            (self.root / folder).mkdir()
        if as_root:
            os.chown(self.root / "home", self.mail_uid, self.mail_gid)
        (self.root / "passwd").write_text(
            "".join(f"{user}:{{PLAIN}}{password}::::::\n" for user, password in users.items())
        )
        self.config = self.root / "dovecot.conf"
        self.config.write_text(self._configuration())

    def _configuration(self) -> str:
        root = self.root
        return f"""
base_dir = {root}/run
state_dir = {root}/state
instance_name = warroom-test-{self.imaps_port}
protocols = imap
listen = 127.0.0.1
log_path = {self.log_file}
default_login_user = {self.login_user}
default_internal_user = {self.internal_user}
first_valid_uid = {min(self.mail_uid, 500)}
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain login
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={self.mail_uid} gid={self.mail_gid} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.imaps_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""

    def start(self) -> None:
        """Start in the foreground of a child process; wait until both ports accept."""
        with open(self.root / "stderr.log", "wb") as stderr:  # the child keeps its own copy
            self._process = subprocess.Popen(
                [self.binary, "-F", "-c", str(self.config)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"dovecot exited ({self._process.returncode}):\n{self._logs()}")
            if all(self._accepts(port) for port in (self.imap_port, self.imaps_port)):
                return
            time.sleep(0.05)
        raise RuntimeError(f"dovecot did not start:\n{self._logs()}")

    def _accepts(self, port: int) -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return True
        return False

    def _logs(self) -> str:
        text = ""
        for name in ("stderr.log", "dovecot.log"):
            path = self.root / name
            if path.exists():
                text += path.read_text(errors="replace")[-3000:]
        return text

    def stop(self) -> None:
        """Stop the server and delete its folder."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(5)
        shutil.rmtree(self.root, ignore_errors=True)

    # --- putting mail in, looking at it -----------------------------------------------------

    def _client(self, user: str) -> object:
        import imaplib
        import ssl

        context = ssl.create_default_context(cafile=str(self.ca_path))
        client = imaplib.IMAP4_SSL("127.0.0.1", self.imaps_port, ssl_context=context)
        client.login(user, self.users[user])
        return client

    def append(self, user: str, message: bytes, folder: str = "INBOX") -> None:
        """Deliver ``message`` into ``folder`` (created if missing) with IMAP APPEND."""
        client = self._client(user)
        try:
            if folder != "INBOX":
                client.create(folder)  # type: ignore[attr-defined]
            status, detail = client.append(folder, "", None, message)  # type: ignore[attr-defined]
            if status != "OK":
                raise RuntimeError(f"APPEND failed: {detail}")
        finally:
            client.logout()  # type: ignore[attr-defined]

    def delete_folder(self, user: str, folder: str) -> None:
        """Delete a folder (recreating it later gives it a new UIDVALIDITY)."""
        client = self._client(user)
        try:
            client.delete(folder)  # type: ignore[attr-defined]
        finally:
            client.logout()  # type: ignore[attr-defined]

    def flags(self, user: str, folder: str = "INBOX") -> list[bytes]:
        """Return the FLAGS of every message of ``folder``."""
        client = self._client(user)
        try:
            client.select(folder, readonly=True)  # type: ignore[attr-defined]
            _status, data = client.fetch("1:*", "(FLAGS)")  # type: ignore[attr-defined]
            return [item for item in data if isinstance(item, bytes)]
        finally:
            client.logout()  # type: ignore[attr-defined]
