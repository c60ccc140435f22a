"""The listener inputs' part of `scripts/bench shipping` (GELF UDP/TCP, syslog TCP/UDP).

    bench_stream_inputs.py MODE HOST PORT EVENTS BODY_NDJSON METRICS_URL

MODE is gelf-udp, gelf-tcp, syslog-tcp or syslog-udp. The 1000 events of BODY_NDJSON (the ones the HTTP
inputs send) are built once as GELF messages or RFC 5424 lines; EVENTS of them are sent as fast as
possible (TCP: 4 connections, GELF null-byte framing or syslog octet counting; UDP: one datagram per
message). These inputs answer nothing, so what counts is what the hub accepted: the sum of
`admin_ingest_events_total{outcome="accepted"}` on METRICS_URL, read before sending (once it has been
still for a second) and then every
50 ms until it reaches the expected count or stops rising for 3 s. events/s = accepted / (time from the
first send to the last rise seen). Prints one line:

    STREAM mode=... sent=N accepted=M lost=N-M seconds=S events_per_s=R send_seconds=T dropped_by_hub=REASON:N,...

(dropped_by_hub: the hub's own admin_input_dropped_total{input} by reason over the run; the rest of
`lost` never reached the listener, e.g. UDP datagrams past the socket's receive buffer.)
"""
import json
import socket
import sys
import threading
import time
import urllib.request

CONNECTIONS = 4
LEVELS = {"debug": 7, "info": 6, "notice": 5, "warning": 4, "error": 3, "critical": 2}
FIXED = {"@timestamp", "level", "message", "host", "service"}


def gelf(event: dict) -> bytes:
    message = {"version": "1.1", "host": event["host"], "short_message": event["message"],
               "level": LEVELS.get(event["level"], 6), "_logger": event["logger"]}
    for key, value in event.items():
        if key not in FIXED and key != "logger":
            message["_" + key] = value
    return json.dumps(message, separators=(",", ":")).encode()


def syslog(event: dict) -> bytes:
    pri = 8 * 16 + LEVELS.get(event["level"], 6)  # facility local0
    def escape(value) -> str:  # RFC 5424 PARAM-VALUE: \ " ] escaped
        return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")
    params = " ".join(f'{k}="{escape(v)}"' for k, v in event.items() if k not in FIXED and k != "logger")
    line = f'<{pri}>1 {event["@timestamp"]} {event["host"]} {event["logger"]} - - [bench@32473 {params}] {event["message"]}'
    return line.encode()


def scrape(metrics_url: str) -> str:
    with urllib.request.urlopen(metrics_url, timeout=10) as resp:
        return resp.read().decode()


def accepted(metrics_url: str) -> int:
    total = 0.0
    for line in scrape(metrics_url).splitlines():
        if line.startswith("admin_ingest_events_total{") and 'outcome="accepted"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return int(total)


def drops(metrics_url: str, input_name: str) -> dict:
    """admin_input_dropped_total{input=INPUT} by reason."""
    result = {}
    for line in scrape(metrics_url).splitlines():
        if line.startswith("admin_input_dropped_total{") and f'input="{input_name}"' in line:
            reason = line.split('reason="', 1)[1].split('"', 1)[0]
            result[reason] = result.get(reason, 0) + int(float(line.rsplit(" ", 1)[1]))
    return result


def settled(metrics_url: str) -> int:
    """The accepted count once it stops moving (the previous input's last requests may still be landing)."""
    value = accepted(metrics_url)
    for _ in range(60):
        time.sleep(1)
        again = accepted(metrics_url)
        if again == value:
            return value
        value = again
    return value


def send_tcp(host: str, port: int, frames: list, events: int, framing: str) -> None:
    def framed(frame: bytes) -> bytes:
        return frame + b"\0" if framing == "gelf" else str(len(frame)).encode() + b" " + frame

    one_set = b"".join(framed(f) for f in frames)
    per_connection = [events // CONNECTIONS + (1 if i < events % CONNECTIONS else 0) for i in range(CONNECTIONS)]
    sockets = [socket.create_connection((host, port)) for _ in range(CONNECTIONS)]

    def run(sock: socket.socket, count: int) -> None:
        full, rest = divmod(count, len(frames))
        for _ in range(full):
            sock.sendall(one_set)
        sock.sendall(b"".join(framed(f) for f in frames[:rest]))
        sock.shutdown(socket.SHUT_WR)

    threads = [threading.Thread(target=run, args=(s, n)) for s, n in zip(sockets, per_connection)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in sockets:
        s.close()


def send_udp(host: str, port: int, frames: list, events: int) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    address = (host, port)
    n = len(frames)
    for i in range(events):
        sock.sendto(frames[i % n], address)
    sock.close()


def main() -> None:
    mode, host, port, events, body, metrics_url = sys.argv[1:7]
    port, events = int(port), int(events)
    with open(body, encoding="utf-8") as f:
        source = [json.loads(line) for line in f if line.strip()]
    frames = [gelf(e) if mode.startswith("gelf") else syslog(e) for e in source]
    before = settled(metrics_url)
    input_name = mode.replace("-", "_")
    drops_before = drops(metrics_url, input_name)
    start = time.monotonic()
    if mode.endswith("tcp"):
        send_tcp(host, port, frames, events, "gelf" if mode.startswith("gelf") else "octet")
    else:
        send_udp(host, port, frames, events)
    sent_done = time.monotonic()
    last_value, last_rise = before, start
    while True:
        value = accepted(metrics_url)
        now = time.monotonic()
        if value > last_value:
            last_value, last_rise = value, now
        if value - before >= events or now - last_rise > 3:
            break
        time.sleep(0.05)
    got = last_value - before
    dropped = {k: v - drops_before.get(k, 0) for k, v in drops(metrics_url, input_name).items()}
    reasons = ",".join(f"{k}:{v}" for k, v in sorted(dropped.items()) if v > 0) or "none"
    seconds = max(last_rise - start, 1e-6)
    print(f"STREAM mode={mode} sent={events} accepted={got} lost={events - got} seconds={seconds:.3f} "
          f"events_per_s={got / seconds:.0f} send_seconds={sent_done - start:.3f} dropped_by_hub={reasons}")


if __name__ == "__main__":
    main()
