#!/usr/bin/env bash
# The LongWriter sample on a real third-party OpenAI-compatible server, llama.cpp's `llama-server`,
# beside the built-in decoder on the same queries and the same model file.
#
#   bench/llama_server_longwriter.sh [--json FILE]
#
# Serves ~/.cache/lwdata/models/SmolLM2-135M-Instruct.Q4_1.gguf with llama-server on 127.0.0.1:8088,
# builds pipelines/longwriter-llama-server.yaml (openai backend: predict-length and plan under
# response_format JSON Schema, write, dedup-filter, export), then pipelines/longwriter.yaml (the
# built-in decoder), and prints per backend: wall time, generated tokens and tokens/s, and S_l of
# every written record (JSON with --json).
#
# llama-server: $LLAMA_SERVER, else a binary under /work/tools, else built once from the
# llama-cpp-python sdist (PyPI) into $LLAMA_BUILD (default ~/.cache/lwdata/llama.cpp-server), as
# bench/README.md describes; later runs reuse that build.
set -euo pipefail
cd "$(dirname "$0")/.."
json=""
[[ ${1:-} == --json ]] && json=${2:?--json FILE}
model=${LWDATA_MODEL:-$HOME/.cache/lwdata/models/SmolLM2-135M-Instruct.Q4_1.gguf}
lwdata=${LWDATA_BIN:-.build/release/lwdata}
[[ -x $lwdata ]] || lwdata=.build/debug/lwdata
[[ -x $lwdata ]] || { echo "build lwdata first (swift build -c release)" >&2; exit 2; }
[[ -f $model ]] || { echo "no model at $model (scripts/setup.sh installs it)" >&2; exit 2; }

find_server() {
    for candidate in "${LLAMA_SERVER:-}" /work/tools/llama.cpp/build/bin/llama-server /work/tools/llama.cpp-server/build/bin/llama-server \
        "${LLAMA_BUILD:-$HOME/.cache/lwdata/llama.cpp-server}/build/bin/llama-server"; do
        [[ -n $candidate && -x $candidate ]] && { echo "$candidate"; return 0; }
    done
    return 1
}
if ! server=$(find_server); then
    build=${LLAMA_BUILD:-$HOME/.cache/lwdata/llama.cpp-server}
    echo "building llama-server into $build (once; about 20 min on 2 cores)" >&2
    mkdir -p "$build"
    (
        cd "$build"
        python3 -m pip download --quiet --no-deps --no-binary :all: llama-cpp-python==0.3.36 -d sdist
        tar xzf sdist/llama_cpp_python-0.3.36.tar.gz
        cmake -S "$(realpath llama_cpp_python-0.3.36/vendor/llama.cpp)" -B build -G Ninja -DCMAKE_BUILD_TYPE=Release \
            -DGGML_NATIVE=ON -DBUILD_SHARED_LIBS=ON -DGGML_BLAS=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_UI=OFF \
            -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_TESTS=OFF -DGGML_CCACHE=OFF >/dev/null
        ninja -C build -j2 llama-server >/dev/null
    )
    server=$build/build/bin/llama-server
fi

work=$(mktemp -d /tmp/lwdata-llama-server.XXXXXX)
# -t 1 by default: on a shared, loaded machine llama.cpp's spinning worker threads stall each other
# (measured here: 0.4 tokens/s with -t 2 under load 18, 19 tokens/s with -t 1).
"$server" -m "$model" --host 127.0.0.1 --port 8088 -c 32768 -np 4 -t "${LLAMA_THREADS:-1}" >"$work/llama-server.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 120); do
    curl -sf http://127.0.0.1:8088/health >/dev/null 2>&1 && break
    kill -0 $server_pid 2>/dev/null || { cat "$work/llama-server.log" >&2; exit 1; }
    sleep 0.5
done
version=$("$server" --version 2>&1 | head -1 || true)
echo "llama-server: $server ($version), pid $server_pid, log $work/llama-server.log"

run() {  # name pipeline
    local start end
    start=$(date +%s.%N)
    "$lwdata" build "$2" --out "$work/$1" --quiet || echo "build $1 exited $?" >&2
    end=$(date +%s.%N)
    echo "$start $end" >"$work/$1.time"
}
runs=${RUNS:-llama-server builtin}   # RUNS=llama-server: only the server run
[[ $runs == *llama-server* ]] && run llama-server pipelines/longwriter-llama-server.yaml
kill $server_pid 2>/dev/null || true
[[ $runs == *builtin* ]] && run builtin pipelines/longwriter.yaml

python3 - "$work" "$lwdata" "$json" "$version" <<'EOF'
import json, os, subprocess, sys
work, lwdata, out, version = sys.argv[1:5]
result = {"server": "llama-server " + version, "model": "SmolLM2-135M-Instruct.Q4_1.gguf", "runs": {}}
for name in ("llama-server", "builtin"):
    folder = f"{work}/{name}"
    if not os.path.exists(f"{folder}.time"):
        continue
    start, end = map(float, open(f"{folder}.time").read().split())
    status = json.loads(subprocess.run([lwdata, "status", "--out", folder, "--json"], capture_output=True, text=True).stdout)
    usage = status.get("usage", [])
    generated = sum(u["tokens_out"] for u in usage)
    records = []
    manifest_shards = subprocess.run(["sqlite3", f"{folder}/manifest.sqlite",
                                      "SELECT stage, path, role FROM shards WHERE stage IN ('write', 'dedup-filter')"],
                                     capture_output=True, text=True).stdout.split()
    written, kept, dropped = {}, {}, {}
    for row in manifest_shards:
        stage, path, role = row.split("|")
        lines = subprocess.run([lwdata, "inspect", f"{folder}/{path}", "--limit", "100000"], capture_output=True, text=True).stdout
        for line in lines.splitlines():
            r = json.loads(line)
            if stage == "write" and role == "data":
                written[r["id"]] = r
            elif role == "data":
                kept[r["filter"]["input_id"]] = r["filter"]
            elif stage == "dedup-filter":
                dropped[r["id"]] = r
    for rid, r in sorted(written.items()):
        f, d = kept.get(rid), dropped.get(rid, {})
        # A record dropped by the length rule carries its S_l as the rule's value.
        sl = f["length_score"] if f else d.get("value") if d.get("rule") == "low_length_score" else None
        records.append({"id": rid, "query": r.get("query", "")[:80], "required_words": (r.get("length") or {}).get("required_words"),
                        "produced_words": f["produced_words"] if f else None, "S_l": sl, "kept": f is not None,
                        "dropped_for": d.get("reason"), "response_words": len(r.get("response", "").split()),
                        "completion_tokens": (r.get("write_meta") or {}).get("completion_tokens"),
                        "write_seconds": (r.get("write_meta") or {}).get("seconds")})
    wall = end - start
    result["runs"][name] = {"wall_seconds": round(wall, 1), "generated_tokens": generated,
                            "tokens_per_second": round(generated / wall, 1) if wall > 0 else 0,
                            "calls": sum(u["calls"] for u in usage), "errors": sum(u["errors"] for u in usage),
                            "records_written": len(written), "records_kept": len(kept), "records": records,
                            "usage": usage}
for name, run in result["runs"].items():
    print(f"\n{name}: {run['wall_seconds']} s wall, {run['generated_tokens']} generated tokens, {run['tokens_per_second']} tokens/s, "
          f"{run['calls']} calls ({run['errors']} errors); {run['records_written']} written, {run['records_kept']} kept by dedup-filter")
    for r in run["records"]:
        sl = "-" if r["S_l"] is None else f"{r['S_l']:.1f}"
        verdict = "kept" if r["kept"] else f"dropped ({r['dropped_for']})"
        print(f"  S_l {sl:>5}  {r['response_words']:>5}/{r['required_words']} words  {verdict}  {r['query']}")
if out:
    json.dump(result, open(out, "w"), indent=2)
    print(f"\nwrote {out}")
print(f"output folders: {work}/llama-server, {work}/builtin")
EOF
