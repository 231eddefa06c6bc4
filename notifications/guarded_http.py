"""An HTTP session for webhooks that checks the address it actually connected to.

webhooks._refused_address resolves the organizer's host name before the POST, but the
connection resolves it again: a name whose DNS answers a public address to the check and
a private one a moment later (DNS rebinding) would reach the servers beside Kompe. Here
the socket's peer address, once connected, must be a global one, or the connection is
closed before a byte is sent.
"""

import ipaddress

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError

# IPv6 prefixes that carry an IPv4 address a gateway reaches for us (NAT64, 6to4), which
# Python 3.11 counts as global whatever IPv4 address they embed.
TRANSLATED_PREFIXES = [ipaddress.ip_network(prefix) for prefix in
                       ("64:ff9b::/96", "64:ff9b:1::/48", "2002::/16")]


def is_public(address: str) -> bool:
    """Whether a webhook may connect to this address: a global one, and no IPv6 form of
    a private IPv4 address (mapped, NAT64 or 6to4: refused whatever they embed)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped.is_global
        if any(ip in prefix for prefix in TRANSLATED_PREFIXES):
            return False
    return ip.is_global


def _checked(connection, sock):
    address = sock.getpeername()[0]
    ip = ipaddress.ip_address(address.split("%")[0])
    if not is_public(address):
        sock.close()
        raise NewConnectionError(
            connection, f"{connection.host} is a private address ({ip}); refused")
    return sock


class _HTTPConnection(HTTPConnection):
    def _new_conn(self):
        return _checked(self, super()._new_conn())


class _HTTPSConnection(HTTPSConnection):
    def _new_conn(self):
        return _checked(self, super()._new_conn())


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class _PublicOnlyAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


def public_only_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # a proxy would make the proxy's address the peer
    adapter = _PublicOnlyAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
