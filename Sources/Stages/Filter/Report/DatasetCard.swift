import Foundation
import Pipeline

/// A release's dataset card (`releases/<id>/README.md`): Hugging Face YAML front matter (license,
/// languages, size category, task category, and a `configs` entry whose `data_files` are the
/// release's shards, so `datasets.load_dataset(<release folder>)` reads it) and the figures a
/// reader needs before training on it: records, words, length buckets, S_l, content quality,
/// rejects by reason, models and recipes.
public enum DatasetCard {
    /// What the card says beyond the report's figures.
    public struct Facts: Sendable {
        public var pipeline: String
        public var description: String?
        /// SPDX id or `other` (`license:` in the pipeline file; `unknown` when not given).
        public var license: String?
        /// The release's data files, relative to the release folder.
        public var files: [String]
        public var releaseID: String
        /// The release's preference-pair files (config `pairs`).
        public var pairFiles: [String] = []

        public init(pipeline: String, description: String?, license: String?, files: [String], releaseID: String) {
            self.pipeline = pipeline
            self.description = description
            self.license = license
            self.files = files
            self.releaseID = releaseID
        }
    }

    /// The card's Markdown.
    public static func markdown(_ report: DatasetReport, records: [Record], facts: Facts) -> String {
        let languages = Set(records.compactMap { languageCode($0["meta"]?["language"]?.string ?? $0["language"]?.string) }).sorted()
        let recipes = Dictionary(grouping: records, by: { $0["meta"]?["recipe"]?.string ?? $0["recipe"]?.string ?? "unknown" }).mapValues(\.count)
        let models = Set(records.compactMap { $0["meta"]?["model"]?.string }).sorted()
        let quality = report.quality
        var yaml = ["---", "license: \(facts.license ?? "unknown")"]
        yaml.append(languages.isEmpty ? "language: []" : "language:\n" + languages.map { "- \($0)" }.joined(separator: "\n"))
        yaml += ["size_categories:", "- \(sizeCategory(records.count))", "task_categories:", "- text-generation",
                 "tags:", "- long-output", "- synthetic", "- lwdata",
                 "configs:", "- config_name: default", "  data_files:", "  - split: train", "    path:"]
        yaml += facts.files.map { "    - \"\($0)\"" }
        if !facts.pairFiles.isEmpty {
            yaml += ["- config_name: pairs", "  data_files:", "  - split: train", "    path:"] + facts.pairFiles.map { "    - \"\($0)\"" }
        }
        yaml.append("---")
        var body = ["# \(facts.pipeline) (release \(facts.releaseID))", ""]
        if let description = facts.description { body += [description, ""] }
        body += ["Built with lwdata. Each record is `{\"messages\": [user, assistant], \"meta\": {…}}`; `meta` holds the length, "
                 + "quality and provenance fields described in lwdata's `schemas/sft-record.schema.json`.", "", "## Figures", ""]
        body.append("| figure | value |")
        body.append("|---|---|")
        body.append("| records | \(records.count) |")
        body.append("| words (CJK characters plus words) | \(quality.words) |")
        if let sl = quality.meanLengthScore {
            body.append(String(format: "| mean length score S_l | %.1f (%d of %d ≥ 80) |", sl, quality.lengthScores.filter { $0 >= 80 }.count, quality.lengthScores.count))
        }
        if let sq = quality.meanQualityScore {
            body.append(String(format: "| mean quality score S_q | %.1f of 100 |", sq) )
            body.append("| judged by | \(quality.judges.sorted().joined(separator: ", ")) |")
        } else {
            body.append("| quality score S_q | not judged |")
        }
        if quality.checked > 0 {
            body.append("| coherence contradictions | \(quality.coherenceFlagged) of \(quality.checked) records |")
            if let share = quality.taskTalkShare {
                body.append(String(format: "| task talk | %.1f%% of sentences, %d records |", share * 100, quality.taskTalkRecords))
            }
        }
        if report.pairs.total > 0 {
            body.append("| preference pairs (config `pairs`; `lwdata export --format dpo`) | "
                        + report.pairs.counts.keys.sorted().map { "\($0) \(report.pairs.counts[$0]!)" }.joined(separator: ", ") + " |")
        }
        body.append("| recipes | \(recipes.keys.sorted().map { "\($0) \(recipes[$0]!)" }.joined(separator: ", ")) |")
        body.append("| models | \(models.isEmpty ? "–" : models.joined(separator: ", ")) |")
        body += ["", "## Length buckets (required words)", "", "| bucket | records |", "|---|---|"]
        for (bucket, group) in Dictionary(grouping: report.records, by: \.bucket).sorted(by: { $0.key < $1.key }) {
            body.append("| \(DatasetReport.bucketName(bucket)) | \(group.count) |")
        }
        if !report.rejects.isEmpty {
            body += ["", "## Rejected during the build", "", "| stage | reason | records |", "|---|---|---|"]
            body += report.rejects.map { "| \($0.stage) | \($0.reason) | \($0.count) |" }
        }
        body += ["", "## Loading", "", "```python", "from datasets import load_dataset",
                 "ds = load_dataset(\"path/to/this/release\", split=\"train\")", "```", ""]
        return (yaml + [""] + body).joined(separator: "\n")
    }

    /// Hugging Face's size category for a record count.
    static func sizeCategory(_ n: Int) -> String {
        switch n {
        case ..<1_000: return "n<1K"
        case ..<10_000: return "1K<n<10K"
        case ..<100_000: return "10K<n<100K"
        case ..<1_000_000: return "100K<n<1M"
        default: return "1M<n<10M"
        }
    }

    /// An ISO 639-1 code for lwdata's script-based language names (`latin` is reported as `en`,
    /// the only Latin-script language the default pipelines mine; `other` is left out).
    static func languageCode(_ language: String?) -> String? {
        switch language {
        case "zh": return "zh"
        case "ja": return "ja"
        case "ko": return "ko"
        case "latin": return "en"
        default: return nil
        }
    }
}
