# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""`vss-emulator`: serve the emulated VSS API on loopback until SIGTERM or SIGINT."""

import argparse
import signal
import socket
import sys

import uvicorn

from vss_emulator.app import Settings, build_server_app
from vss_emulator.data import ExtraImagesError, load_extra_images
from vss_emulator.faults import FAULT_HELP, FaultSpecError, parse_fault
from vss_emulator.storage import StorageSettings
from vss_emulator.store import DataError


class EmulatorServer(uvicorn.Server):
    """Prints the base URL once listening, and ends with status 0 on SIGTERM or SIGINT."""

    def __init__(self, config, url):
        super().__init__(config)
        self.url = url

    async def startup(self, sockets=None):
        await super().startup(sockets=sockets)
        if not self.should_exit:
            print(f"vss-emulator listening on {self.url}", flush=True)

    def handle_exit(self, sig, frame):
        if self.should_exit and sig == signal.SIGINT:
            self.force_exit = True
        else:
            self.should_exit = True


def fault_argument(text):
    try:
        return parse_fault(text)
    except FaultSpecError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def non_negative_int(text):
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative")
    return value


def positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive integer")
    return value


def non_negative_float(text):
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative")
    return value


def build_parser():
    parser = argparse.ArgumentParser(
        prog="vss-emulator",
        description="Serve an emulation of the VSS (ITS Private Cloud) REST API. Once listening it prints one "
        "line, 'vss-emulator listening on <base URL>'.",
        epilog=FAULT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=non_negative_int, default=0, help="port; 0 picks a free one (default)")
    parser.add_argument(
        "--token",
        action="append",
        dest="tokens",
        metavar="TOKEN",
        help="bearer token accepted; repeatable (default: demo-token)",
    )
    parser.add_argument(
        "--user", default="demo", help="username for /auth/request-token (default: %(default)s)"
    )
    parser.add_argument("--password", default="demo-password", help="password for /auth/request-token")
    parser.add_argument("--otp", metavar="CODE", help="one-time code the user must give to get a token")
    parser.add_argument(
        "--images",
        type=non_negative_int,
        default=0,
        metavar="N",
        help="add N generated images (gen-00001-...)",
    )
    parser.add_argument(
        "--extra-images",
        metavar="FILE",
        help="JSON or YAML list of {name, path[, personal, synced]} images to add to the default twelve",
    )
    parser.add_argument(
        "--page-cap",
        type=positive_int,
        default=100,
        metavar="N",
        help="largest per_page honoured (default 100)",
    )
    parser.add_argument(
        "--request-delay",
        type=non_negative_float,
        default=2.0,
        metavar="SECONDS",
        help="time a request takes from PENDING through IN_PROGRESS to PROCESSED (default 2)",
    )
    parser.add_argument("--tls-cert", metavar="FILE", help="serve HTTPS with this certificate (PEM)")
    parser.add_argument("--tls-key", metavar="FILE", help="private key (PEM) of --tls-cert")
    parser.add_argument(
        "--fault",
        action="append",
        dest="faults",
        type=fault_argument,
        default=[],
        metavar="SPEC",
        help="misbehave on purpose; repeatable (see below)",
    )
    parser.add_argument(
        "--log-file", metavar="FILE", help="write an access log here (never headers or tokens)"
    )
    parser.add_argument(
        "--path-prefix",
        default="",
        metavar="PREFIX",
        help="serve the API under this path (a gateway), e.g. /vss; the printed URL includes it",
    )
    parser.add_argument(
        "--s3-endpoint",
        metavar="URL",
        help="keep the user's VSKEY-STOR space in this S3 server: syncs list it, exports write to it",
    )
    parser.add_argument(
        "--s3-bucket", default="ut-vss", help="bucket of --s3-endpoint (default: %(default)s)"
    )
    parser.add_argument(
        "--s3-access-key", default="vss-emulator", help="access key handed out by /v2/status/stor"
    )
    parser.add_argument(
        "--s3-secret-key", default="vss-emulator-secret", help="secret key handed out by /v2/status/stor"
    )
    return parser


def settings_from(args, parser):
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    if args.path_prefix and not args.path_prefix.startswith("/"):
        parser.error("--path-prefix must start with '/'")

    try:
        extra_images = load_extra_images(args.extra_images) if args.extra_images else []
    except ExtraImagesError as exc:
        parser.error(str(exc))

    return Settings(
        tokens=tuple(args.tokens or ("demo-token",)),
        user=args.user,
        password=args.password,
        otp=args.otp,
        images=args.images,
        extra_images=extra_images,
        page_cap=args.page_cap,
        request_delay=args.request_delay,
        faults=args.faults,
        log_file=args.log_file,
        path_prefix=args.path_prefix.rstrip("/"),
        storage=StorageSettings(args.s3_endpoint, args.s3_bucket, args.s3_access_key, args.s3_secret_key)
        if args.s3_endpoint
        else None,
    )


def bind(host, port):
    """A bound socket for `host` and `port` (0: a free port), so the real port is known before serving."""
    family, kind, protocol, _canonical_name, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM
    )[0]
    sock = socket.socket(family, kind, protocol)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    return sock


def base_url(sock, host, tls, path_prefix):
    port = sock.getsockname()[1]
    shown_host = f"[{host}]" if ":" in host else host
    return f"{'https' if tls else 'http'}://{shown_host}:{port}{path_prefix}"


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = settings_from(args, parser)

    try:
        app = build_server_app(settings)
    except DataError as exc:
        parser.error(str(exc))
    except Exception as exc:  # boto3 missing, or the S3 server unreachable or refusing the keys
        if settings.storage is None:
            raise
        print(f"vss-emulator: cannot use the S3 server {settings.storage.endpoint}: {exc}", file=sys.stderr)
        return 1

    try:
        sock = bind(args.host, args.port)
    except OSError as exc:
        print(f"vss-emulator: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1

    config = uvicorn.Config(
        app,
        interface="asgi3",
        lifespan="off",
        log_level="warning",
        access_log=False,
        ssl_certfile=args.tls_cert,
        ssl_keyfile=args.tls_key,
        timeout_graceful_shutdown=1,
    )
    server = EmulatorServer(config, base_url(sock, args.host, bool(args.tls_cert), settings.path_prefix))
    server.run(sockets=[sock])
    return 0
