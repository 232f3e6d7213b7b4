#!/usr/bin/env python3
"""`lwdata serve` under hostile load: memory stays bounded and valid requests keep being answered.

Usage: bench/serve_hostile.py [--lwdata .build/release/lwdata] [--valid 64] [--idle 500] [--bodies 30]
       [--body-mb 32] [--max-tokens 16] [--json FILE] [-- extra serve options]
Starts `lwdata serve` on a free loopback port, then runs two phases:
  1. quiet: VALID concurrent chat requests alone (the model and its KV caches at work);
  2. hostile: the same VALID requests while IDLE connections send nothing and BODIES connections
     each send a BODY_MB body slowly, with /health polled throughout.
Samples the server's RSS every 50 ms from /proc and prints peak RSS per phase, request latencies
(p50/p95), /health latencies and failures, and what the hostile connections were answered.
Every socket has a timeout and every phase a deadline, so the run stops by itself.
"""
import argparse, json, socket, statistics, subprocess, sys, threading, time, urllib.request
from concurrent.futures import ThreadPoolExecutor


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Sampler(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0.0, True

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.05)


def status_of(reply):
    try:
        return int(reply.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return 0


def exchange(port, raw, timeout=300):
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(raw)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return out
            out += chunk


def chat(port, seed, max_tokens):
    body = json.dumps({"messages": [{"role": "user", "content": "Write a sentence about tea."}],
                       "seed": seed, "max_tokens": max_tokens}).encode()
    head = f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    start = time.time()
    try:
        status = status_of(exchange(port, head.encode() + body))
    except OSError:
        status = 0
    return status, time.time() - start


def valid_requests(port, count, max_tokens):
    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(lambda s: chat(port, s, max_tokens), range(count)))


def health_poller(port, stop, results):
    while not stop.is_set():
        start = time.time()
        try:
            status = status_of(exchange(port, b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n", timeout=10))
        except OSError:
            status = 0
        results.append((status, time.time() - start))
        time.sleep(0.5)


def slow_body(port, megabytes, results):
    """Declares a MEGABYTES body and sends it in 256 KB pieces every 20 ms, reading the answer."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=120) as s:
            size = megabytes << 20
            s.sendall(f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: {size}\r\n\r\n".encode())
            piece, sent = b"a" * (256 << 10), 0
            s.settimeout(0.02)
            reply = b""
            while sent < size:
                try:
                    s.sendall(piece[: size - sent])
                    sent += min(len(piece), size - sent)
                except socket.timeout:
                    pass
                try:
                    got = s.recv(65536)
                    if got or reply:
                        reply += got
                        break
                except socket.timeout:
                    pass
            s.settimeout(120)
            while True:
                got = s.recv(65536)
                if not got:
                    break
                reply += got
            results.append(status_of(reply))
    except OSError:
        results.append(0)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lwdata", default=".build/release/lwdata")
    p.add_argument("--valid", type=int, default=64)
    p.add_argument("--idle", type=int, default=500)
    p.add_argument("--bodies", type=int, default=30)
    p.add_argument("--body-mb", type=int, default=32)
    p.add_argument("--max-tokens", type=int, default=16)
    p.add_argument("--json")
    a, extra = p.parse_known_args()
    extra = [x for x in extra if x != "--"]
    port = free_port()
    server = subprocess.Popen([a.lwdata, "serve", "--port", str(port)] + extra,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    report = {"benchmark": "serve_hostile", "valid": a.valid, "idle": a.idle, "bodies": a.bodies,
              "body_mb": a.body_mb, "max_tokens": a.max_tokens, "serve_options": extra}
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        chat(port, 0, 4)  # warm-up
        report["rss_after_warmup_mb"] = round(rss_mb(server.pid), 1)

        sampler = Sampler(server.pid); sampler.start()
        quiet = valid_requests(port, a.valid, a.max_tokens)
        sampler.running = False; sampler.join()
        quiet_latency = [t for s, t in quiet if s == 200]
        report["quiet"] = {"peak_rss_mb": round(sampler.peak, 1), "ok": len(quiet_latency),
                           "p50_s": round(percentile(quiet_latency, 50), 2), "p95_s": round(percentile(quiet_latency, 95), 2)}

        sampler = Sampler(server.pid); sampler.start()
        idle = []
        for _ in range(a.idle):
            try:
                idle.append(socket.create_connection(("127.0.0.1", port), timeout=5))
            except OSError:
                break
        stop, health, bodies = threading.Event(), [], []
        poller = threading.Thread(target=health_poller, args=(port, stop, health), daemon=True); poller.start()
        senders = [threading.Thread(target=slow_body, args=(port, a.body_mb, bodies), daemon=True) for _ in range(a.bodies)]
        for t in senders:
            t.start()
        time.sleep(1)
        loaded = valid_requests(port, a.valid, a.max_tokens)
        for t in senders:
            t.join(timeout=180)
        stop.set(); poller.join(timeout=15)
        idle_answers = []
        for s in idle:
            try:
                s.settimeout(0.05)
                idle_answers.append(status_of(s.recv(4096)))
            except OSError:
                idle_answers.append(0)
            s.close()
        sampler.running = False; sampler.join()
        time.sleep(1.5)
        loaded_latency = [t for s, t in loaded if s == 200]
        count = lambda xs: {str(k): xs.count(k) for k in sorted(set(xs))}
        report["hostile"] = {
            "peak_rss_mb": round(sampler.peak, 1), "rss_after_mb": round(rss_mb(server.pid), 1),
            "ok": len(loaded_latency), "statuses": count([s for s, _ in loaded]),
            "p50_s": round(percentile(loaded_latency, 50), 2), "p95_s": round(percentile(loaded_latency, 95), 2),
            "health_ok": sum(1 for s, _ in health if s == 200), "health_failed": sum(1 for s, _ in health if s != 200),
            "health_p50_s": round(percentile([t for _, t in health], 50), 3),
            "health_max_s": round(max([t for _, t in health], default=float("nan")), 3),
            "bodies": count(bodies), "idle_connected": len(idle), "idle_answers_at_end": count(idle_answers)}
        report["bound_mb"] = round(report["quiet"]["peak_rss_mb"] + 200, 1)
        report["within_bound"] = report["hostile"]["peak_rss_mb"] <= report["bound_mb"]
        q, h = report["quiet"], report["hostile"]
        print(f"quiet:   {q['ok']}/{a.valid} answered, p50 {q['p50_s']} s, p95 {q['p95_s']} s, peak RSS {q['peak_rss_mb']} MB")
        print(f"hostile: {h['ok']}/{a.valid} answered {h['statuses']}, p50 {h['p50_s']} s, p95 {h['p95_s']} s, "
              f"peak RSS {h['peak_rss_mb']} MB (bound {report['bound_mb']} MB: {'ok' if report['within_bound'] else 'EXCEEDED'}), "
              f"RSS after {h['rss_after_mb']} MB")
        print(f"/health: {h['health_ok']} ok, {h['health_failed']} failed, p50 {h['health_p50_s']} s, max {h['health_max_s']} s")
        print(f"{a.bodies} slow {a.body_mb} MB bodies answered {h['bodies']}; {len(idle)} idle connections, answers {h['idle_answers_at_end']}")
        if a.json:
            with open(a.json, "w") as f:
                json.dump(report, f, indent=2)
        return 0 if report["within_bound"] and h["ok"] == a.valid and h["health_failed"] == 0 else 1
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
