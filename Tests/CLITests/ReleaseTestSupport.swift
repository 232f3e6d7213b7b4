import Foundation
import TestSupport

/// A loopback OpenAI-compatible server that answers at once, so the LongWriter recipe runs
/// through the real `openai` backend in a second: length questions get a valid answer, plans
/// (JSON schema) the smallest valid plan, and paragraph steps a varied text of about the asked
/// length. It counts the chat requests it answered.
final class StubModelServer {
    let process: Process
    let port: Int
    private let counter: String

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Chat requests answered so far.
    var requests: Int { Int((try? String(contentsOfFile: counter, encoding: .utf8)) ?? "") ?? 0 }

    init(folder: TempFolder) throws {
        counter = folder.file("stub-requests.txt")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, counter]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.standardError
        try process.run()
        let line = String(decoding: out.fileHandleForReading.availableLine(), as: UTF8.self)
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "stub server said '\(line)'"])
        }
        self.port = port
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    static let script = #"""
        import json, random, re, sys, threading, zlib
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        counter_path = sys.argv[1]
        lock = threading.Lock()
        count = [0]
        syllables = ["ka", "lo", "mi", "ren", "sa", "tu", "vel", "or", "ni", "das", "pe", "quo", "li", "mar", "zen", "to"]
        def prose(seed, words):
            rng = random.Random(seed)
            out, sentence = [], []
            for i in range(words):
                sentence.append("".join(rng.choice(syllables) for _ in range(rng.randint(1, 3))))
                if len(sentence) >= rng.randint(8, 14) or i == words - 1:
                    out.append(" ".join(sentence).capitalize() + ".")
                    sentence = []
            return " ".join(out)
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *args): pass
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                messages = body.get("messages", [])
                seed = zlib.crc32(json.dumps(messages, sort_keys=True).encode()) ^ int(body.get("seed") or 0)
                regex = body.get("guided_regex") or ""
                fmt = body.get("response_format") or {}
                if "Yes|No" in regex:
                    text = "Yes"
                elif regex:
                    text = "2000 words"
                elif fmt.get("type") == "json_schema":
                    schema = fmt["json_schema"]["schema"]
                    n = schema["properties"]["paragraphs"]["minItems"]
                    text = json.dumps({"paragraphs": [{"main_point": "Point %d of the piece, in detail" % (i + 1), "word_count": 200} for i in range(n)]})
                else:
                    text = prose(seed, max(20, int(body.get("max_tokens", 300) / 1.6)))
                with lock:
                    count[0] += 1
                    open(counter_path, "w").write(str(count[0]))
                answer = json.dumps({"id": "stub", "object": "chat.completion", "created": 0, "model": body.get("model", "stub"),
                                     "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                                     "usage": {"prompt_tokens": 10, "completion_tokens": len(text.split()), "total_tokens": 10 + len(text.split())}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """#
}

extension FileHandle {
    /// Reads up to and including the first newline (or to the end).
    func availableLine() -> Data {
        var line = Data()
        while true {
            let byte = readData(ofLength: 1)
            if byte.isEmpty || byte == Data([0x0A]) { return line }
            line.append(byte)
        }
    }
}

/// A LongWriter pipeline (mine → predict-length → plan → write → export) on the stub server,
/// reading `queries.jsonl` in `folder`; each query asks for 400 words.
struct StubRecipe {
    let folder: TempFolder
    let server: StubModelServer
    var pipeline: String { folder.file("lw.yaml") }
    var out: String { folder.file("out") }

    init(folder: TempFolder, topics: [String]) throws {
        self.folder = folder
        server = try StubModelServer(folder: folder)
        try FileManager.default.createDirectory(atPath: folder.file("prompts"), withIntermediateDirectories: true)
        for file in ["predict_length_step1.txt", "predict_length_step2.txt", "plan_json.txt", "write.txt"] {
            try FileManager.default.copyItem(atPath: Repository.path("pipelines/prompts/" + file), toPath: folder.file("prompts/" + file))
        }
        try setTopics(topics)
        try """
            name: stub-lw
            inputs: [queries.jsonl]
            model:
              backend: openai
              base_url: \(server.baseURL)
              name: stub
              request_cache: false
            stages:
              - name: mine
              - name: predict-length
                params: {min_words: 300}
              - name: plan
              - name: write
              - name: export
            """.write(toFile: pipeline, atomically: true, encoding: .utf8)
    }

    /// Rewrites the input with one 400-word ask per topic.
    func setTopics(_ topics: [String]) throws {
        let lines = topics.map { #"{"prompt": "Write a 400-word essay about \#($0)."}"# }
        try (lines.joined(separator: "\n") + "\n").write(toFile: folder.file("queries.jsonl"), atomically: true, encoding: .utf8)
    }

    /// `lwdata build` of the recipe with extra arguments.
    func build(_ extra: [String] = []) throws -> LWDataBinary.Result {
        try LWDataBinary.run(["build", pipeline, "--out", out] + extra)
    }
}

/// The line of a build summary (or dry run) that starts with a stage name.
func stageLine(_ text: String, _ stage: String) -> String {
    text.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(stage + " ") }.map(String.init) ?? ""
}
