#!/usr/bin/env python3
"""Throughput of `lwdata serve` with N concurrent clients against one client.

Usage: bench/serve_bench.py [--lwdata .build/release/lwdata] [--clients 1,16] [--requests 32]
       [--max-tokens 64] [--json FILE]
Starts `lwdata serve` on a free loopback port, sends the same chat request from each client
(different seeds), and prints completed requests/s and generated tokens/s per client count.
"""
import argparse, json, socket, subprocess, sys, time, urllib.request
from concurrent.futures import ThreadPoolExecutor


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ask(base, seed, max_tokens):
    body = json.dumps({"messages": [{"role": "user", "content": "Write a paragraph about the history of tea."}],
                       "temperature": 0.8, "seed": seed, "max_tokens": max_tokens}).encode()
    req = urllib.request.Request(base + "/v1/chat/completions", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.load(r)["usage"]["completion_tokens"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lwdata", default=".build/release/lwdata")
    p.add_argument("--clients", default="1,16")
    p.add_argument("--requests", type=int, default=32)
    p.add_argument("--max-tokens", type=int, default=64)
    p.add_argument("--json")
    a = p.parse_args()
    port = free_port()
    server = subprocess.Popen([a.lwdata, "serve", "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        ask(base, 0, 8)  # warm-up
        results = []
        for clients in [int(c) for c in a.clients.split(",")]:
            start = time.time()
            with ThreadPoolExecutor(clients) as pool:
                tokens = sum(pool.map(lambda s: ask(base, s, a.max_tokens), range(a.requests)))
            elapsed = time.time() - start
            row = {"clients": clients, "requests": a.requests, "seconds": round(elapsed, 2),
                   "requests_per_s": round(a.requests / elapsed, 3), "tokens_per_s": round(tokens / elapsed, 1)}
            results.append(row)
            print(f"{clients:3d} clients: {row['requests_per_s']:.2f} requests/s, {row['tokens_per_s']:.1f} generated tokens/s")
        if len(results) > 1:
            print(f"ratio {results[-1]['clients']} clients / {results[0]['clients']}: "
                  f"{results[-1]['tokens_per_s'] / results[0]['tokens_per_s']:.2f}x")
        if a.json:
            json.dump({"benchmark": "serve", "max_tokens": a.max_tokens, "results": results}, open(a.json, "w"), indent=2)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    sys.exit(main())
