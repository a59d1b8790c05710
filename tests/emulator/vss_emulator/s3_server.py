# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""`python -m vss_emulator.s3_server`: an S3 server on loopback (moto's server mode) for `--s3-endpoint`.

Prints `s3 server listening on <URL>` once it accepts connections, then serves until SIGTERM or
SIGINT (exit status 0). Everything is in memory. Needs `moto[server]`.
"""

import argparse
import logging
import signal
import threading


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m vss_emulator.s3_server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default)")
    args = parser.parse_args(argv)

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request on stderr

    server = ThreadedMotoServer(ip_address=args.host, port=args.port, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_args: stop.set())
    print(f"s3 server listening on http://{host}:{port}", flush=True)
    stop.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
