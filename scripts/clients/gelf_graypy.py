#!/usr/bin/env python3
"""Logs through graypy (the GELF handler Graylog users run) to DataMP Admin's GELF inputs (used by
GELFInputTests).

    gelf_graypy.py http|udp|tcp HOST PORT RUN COUNT [TOKEN]

COUNT info records with `extra` fields and one error with a traceback, all tagged `run=RUN`. Over
UDP every message is split into 200-byte chunks, so the hub must reassemble them. Over HTTP the
token goes in the path's query (graypy cannot set headers).
"""
import logging
import sys

import graypy
from graypy.handler import GELFWarningChunker


def main() -> int:
    mode, host, port, run, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
    if mode == "http":
        handler = graypy.GELFHTTPHandler(host, port, path=f"/gelf?token={sys.argv[6]}", compress=True)
    elif mode == "udp":
        handler = graypy.GELFUDPHandler(host, port, gelf_chunker=GELFWarningChunker(chunk_size=200))
    else:
        handler = graypy.GELFTCPHandler(host, port)
    logger = logging.getLogger(f"gelf.{mode}")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    for n in range(count):
        logger.info("graypy %s event %d of %s", mode, n, run, extra={"run": run, "n": n, "shop_id": 42})
    try:
        {}["missing"]
    except KeyError:
        logger.exception("graypy %s failure of %s", mode, run, extra={"run": run})
    handler.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
