import Foundation
import Store

/// One input of a pipeline: a file or glob, and how to read it.
public struct InputSpec: Sendable, Equatable {
    /// As written in the pipeline file.
    public var path: String
    /// `auto` (by extension and content), `jsonl` or `text`.
    public var format: String
}

/// How shards are written.
public struct OutputSettings: Sendable, Equatable {
    public var zstdLevel: Int32 = 3
    public var shardMaxRecords: Int = 10_000
    public var shardMaxBytes: Int = 128 << 20
    /// Close a shard this many seconds after it was opened (at its next write), so that slow
    /// model stages register finished items often and a crash loses little.
    public var shardMaxSeconds: Double = 60
}

/// A stage entry of a pipeline file; its `params` are checked by the stage that reads them.
public struct StageConfig: Sendable {
    public var name: String
    public var kind: String
    public var concurrency: Int
    public var params: ConfigObject
    /// The stage's own `model:` (a judge on another backend, say); nil: the pipeline's.
    public var model: ModelSettings?
}

/// A pipeline file (`pipelines/*.yaml`), checked key by key.
public struct PipelineConfig: Sendable {
    public var file: String
    /// Folder of the pipeline file: relative input paths are resolved against it.
    public var directory: String
    public var name: String
    public var description: String?
    /// The dataset's license (SPDX id), written into each release's dataset card.
    public var license: String?
    public var inputs: [InputSpec]
    public var output: OutputSettings
    public var model: ModelSettings
    public var stages: [StageConfig]
    public var document: ConfigDocument

    public static let topLevelKeys = ["name", "description", "license", "inputs", "output", "model", "stages"]
    public static let outputKeys = ["zstd_level", "shard_max_records", "shard_max_bytes", "shard_max_seconds"]
    public static let stageKeys = ["name", "kind", "concurrency", "params", "model"]

    /// Loads and checks a pipeline file; every error names the file, line and key, and all of them
    /// are reported together.
    public static func load(file: String) throws -> PipelineConfig {
        try PipelineConfig(document: ConfigDocument(file: file))
    }

    public init(document: ConfigDocument) throws {
        let errors = ConfigErrorCollector()
        try self.init(document: document, errors: errors)
        try errors.finish()
    }

    /// Reads what it can, recording each error in `errors` and going on with the rest of the file;
    /// throws only when the document is not a mapping. Check `errors` before using the result.
    public init(document: ConfigDocument, errors: ConfigErrorCollector) throws {
        self.document = document
        file = document.file
        directory = FileSystem.parent(of: (document.file as NSString).standardizingPath)
        let top = try ConfigObject(document, path: "", value: document.root, allowed: Self.topLevelKeys, errors: errors)
        name = try errors.attempt { try top.requiredString("name") } ?? ""
        description = try errors.attempt({ try top.string("description") }) ?? nil
        license = try errors.attempt({ try top.string("license") }) ?? nil

        var inputs: [InputSpec] = []
        let inputList = try errors.attempt({ try top.array("inputs") ?? [] }) ?? []
        for (i, entry) in inputList.enumerated() {
            let path = "inputs[\(i)]"
            if case .string(let s) = entry {
                inputs.append(InputSpec(path: s, format: "auto"))
                continue
            }
            let spec: InputSpec? = try errors.attempt {
                let object = try ConfigObject(document, path: path, value: entry, allowed: ["path", "format"], errors: errors)
                let format = try object.string("format") ?? "auto"
                guard ["auto", "jsonl", "text"].contains(format) else {
                    throw document.error(object.sub("format"), "unknown format '\(format)' (expected auto, jsonl or text)")
                }
                return InputSpec(path: try object.requiredString("path"), format: format)
            }
            if let spec { inputs.append(spec) }
        }
        self.inputs = inputs

        var output = OutputSettings()
        if let o = try errors.attempt({ try top.child("output", allowed: Self.outputKeys) }) ?? nil {
            output.zstdLevel = Int32(try errors.attempt { try o.int("zstd_level", range: 1...19) ?? 3 } ?? 3)
            let defaults = output
            output.shardMaxRecords = try errors.attempt({ try o.int("shard_max_records", range: 1...100_000_000) ?? defaults.shardMaxRecords }) ?? defaults.shardMaxRecords
            output.shardMaxBytes = try errors.attempt({ try o.int("shard_max_bytes", range: 1024...(1 << 40)) ?? defaults.shardMaxBytes }) ?? defaults.shardMaxBytes
            output.shardMaxSeconds = try errors.attempt({ try o.double("shard_max_seconds", range: 1...86_400) ?? defaults.shardMaxSeconds }) ?? defaults.shardMaxSeconds
        }
        self.output = output
        model = try errors.attempt({ try top.child("model", allowed: ModelSettings.keys).map(ModelSettings.init) ?? ModelSettings() }) ?? ModelSettings()

        var stages: [StageConfig] = []
        let pipelineBackend = model.backend
        // nil when `stages` is of the wrong type (that error is recorded).
        let stageList = try errors.attempt { try top.array("stages") ?? [] }
        if stageList?.isEmpty == true {
            errors.record(document.error("stages", "a pipeline needs at least one stage"))
        }
        for (i, entry) in (stageList ?? []).enumerated() {
            let stage: StageConfig? = try errors.attempt {
                let object = try ConfigObject(document, path: "stages[\(i)]", value: entry, allowed: Self.stageKeys, errors: errors)
                let name = try object.requiredString("name")
                guard name.range(of: "^[a-z][a-z0-9_-]*$", options: .regularExpression) != nil else {
                    throw document.error(object.sub("name"), "stage names are lower-case letters, digits, '-' and '_' (got '\(name)')")
                }
                if stages.contains(where: { $0.name == name }) {
                    throw document.error(object.sub("name"), "duplicate stage name '\(name)'")
                }
                let params = try ConfigObject(document, path: object.sub("params"),
                                              value: object.object["params"] ?? .object([:]),
                                              allowed: Array((object.object["params"]?.object ?? [:]).keys))
                let stageModel = try object.child("model", allowed: ModelSettings.keys).map(ModelSettings.init)
                if params.object["extra_body"] != nil, (stageModel?.backend ?? pipelineBackend) == .builtin {
                    throw document.error(params.sub("extra_body"), "'extra_body' is for a stage whose model has backend: openai")
                }
                return StageConfig(name: name, kind: try object.string("kind") ?? name,
                                   concurrency: try object.int("concurrency", range: 1...1024) ?? 1, params: params, model: stageModel)
            }
            if let stage { stages.append(stage) }
        }
        self.stages = stages
    }

    /// Resolves an input path written in the pipeline against the pipeline's folder.
    public func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : directory + "/" + path
    }

    /// Expands the inputs (globs allowed) into existing files, in order; a missing file is an error.
    public func inputFiles() throws -> [(spec: InputSpec, file: String)] {
        var result: [(InputSpec, String)] = []
        for (i, spec) in inputs.enumerated() {
            let resolved = resolve(spec.path)
            let matches = resolved.contains(where: { "*?[".contains($0) }) ? Glob.expand(resolved) : [resolved]
            let existing = matches.filter { FileSystem.fileExists($0) }
            guard !existing.isEmpty else {
                throw document.error("inputs[\(i)]", "no input file at \(resolved)")
            }
            result += existing.map { (spec, $0) }
        }
        return result
    }
}
