import Store

/// Writes one stage's records and rejects into rotating shards and registers each finished shard,
/// with the items it completes, in the manifest. An item's outputs never straddle two shards.
public actor StageWriter {
    private let stage: String
    private let dataFolder: String
    private let runID: String
    private let directory: String
    private let settings: OutputSettings
    private let manifest: Manifest
    private var data: OpenShard?
    private var rejects: OpenShard?
    private var sequence = 0

    private struct OpenShard {
        let writer: ShardWriter
        var items: [ItemRow] = []
        let opened = Date()
    }

    public init(stage: String, dataFolder: String = OutputLayout.shardsFolder, runID: String, directory: String, settings: OutputSettings, manifest: Manifest) {
        self.stage = stage
        self.dataFolder = dataFolder
        self.runID = runID
        self.directory = directory
        self.settings = settings
        self.manifest = manifest
    }

    /// Writes the outputs of one finished item.
    public func write(cacheKey: String, outcome: StageOutcome) throws {
        switch outcome {
        case .records(let records):
            if records.isEmpty {
                throw PipelineError.stage(name: stage, message: "an item produced no record and no rejection")
            }
            if data == nil { data = try open(.data) }
            for (seq, record) in records.enumerated() {
                let line = data!.writer.records
                try data!.writer.append(line: record.line())
                data!.items.append(ItemRow(cacheKey: cacheKey, seq: seq, recordID: record.id, rejected: false,
                                           reason: nil, line: line))
            }
            if full(data!) { try close(.data) }
        case .rejected(let id, let rejection):
            if rejects == nil { rejects = try open(.reject) }
            var fields = rejection.extra
            fields["kind"] = "reject"
            fields["stage"] = .string(stage)
            fields["reason"] = .string(rejection.reason)
            fields["detail"] = .string(rejection.detail)
            let record = Record(id: id, fields: fields)
            let line = rejects!.writer.records
            try rejects!.writer.append(line: record.line())
            rejects!.items.append(ItemRow(cacheKey: cacheKey, seq: 0, recordID: id, rejected: true,
                                          reason: rejection.reason, line: line))
            if full(rejects!) { try close(.reject) }
        }
    }

    /// Finalises the open shards (a shard with no record is dropped).
    public func finish() throws {
        try close(.data)
        try close(.reject)
    }

    /// Drops the open shards without registering them (their items stay not done).
    public func abandon() {
        data?.writer.abandon()
        rejects?.writer.abandon()
        data = nil
        rejects = nil
    }

    private func full(_ shard: OpenShard) -> Bool {
        shard.writer.records >= settings.shardMaxRecords || shard.writer.uncompressedBytes >= settings.shardMaxBytes
            || Date().timeIntervalSince(shard.opened) >= settings.shardMaxSeconds
    }

    private func open(_ role: ShardRole) throws -> OpenShard {
        let folder = role == .data ? dataFolder : OutputLayout.rejectsFolder
        let name = "\(runID)-\(String(format: "%05d", sequence)).jsonl.zst"
        sequence += 1
        let path = "\(directory)/\(folder)/\(stage)/\(name)"
        return OpenShard(writer: try ShardWriter(path: path, level: settings.zstdLevel))
    }

    private func close(_ role: ShardRole) throws {
        guard let shard = role == .data ? data : rejects else { return }
        if role == .data { data = nil } else { rejects = nil }
        if shard.writer.records == 0 { shard.writer.abandon(); return }
        let info = try shard.writer.finish()
        try manifest.commitShard(info, stage: stage, role: role, runID: runID, items: shard.items)
    }
}

import Foundation
