import Foundation
import Logging

/// Shows build progress: a live line per stage on a terminal, a log line now and then otherwise.
public final class ProgressReporter: @unchecked Sendable {
    // @unchecked: `task` and `drawnLines` are used by start/stop on the build's task and by the one reporting task between them.
    public enum Style: Sendable { case terminal, log, silent }

    private let stages: [StageProgress]
    private let style: Style
    private let logger: Logger
    private let started = Date()
    private var task: Task<Void, Never>?
    private var drawnLines = 0

    public init(stages: [StageProgress], style: Style, logger: Logger) {
        self.stages = stages
        self.style = style
        self.logger = logger
    }

    /// Starts reporting in the background.
    public func start() {
        guard style != .silent else { return }
        let interval: UInt64 = style == .terminal ? 250_000_000 : 10_000_000_000
        task = Task.detached { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: interval)
                if Task.isCancelled { break }
                report()
            }
        }
    }

    /// Stops reporting and draws the final state.
    public func stop() {
        task?.cancel()
        task = nil
        if style == .terminal { report() }
    }

    private func report() {
        let elapsed = Date().timeIntervalSince(started)
        let lines = stages.map { Self.line(for: $0.name, $0.snapshot, elapsed: elapsed) }
        switch style {
        case .terminal:
            var out = drawnLines > 0 ? "\u{1B}[\(drawnLines)A" : ""
            for line in lines { out += "\u{1B}[2K" + line + "\n" }
            drawnLines = lines.count
            FileHandle.standardError.write(out.data(using: .utf8)!)
        case .log:
            for line in lines { logger.info("\(line)") }
        case .silent:
            break
        }
    }

    static func line(for name: String, _ s: StageProgress.Snapshot, elapsed: TimeInterval) -> String {
        let rate = elapsed > 0 ? Double(s.processed) / elapsed : 0
        var text = name.padding(toLength: 16, withPad: " ", startingAt: 0)
        text += s.total.map { $0 > 0 ? "\(s.done)/\($0)" : "\(s.done)" } ?? "\(s.done)"
        if s.unitsPlanned > 0 {
            // Long items: the units inside them (sections, rounds) move while items do not.
            text += "  \(s.unitName) \(s.unitsDone)/\(s.unitsPlanned)"
        } else {
            text += String(format: "  %.1f/s", rate)
        }
        if s.tokensOut > 0 && elapsed > 0 { text += String(format: "  %.0f tok/s", Double(s.tokensOut) / elapsed) }
        if !s.finished, let eta = eta(s, elapsed: elapsed) { text += "  eta \(Self.duration(eta))" }
        text += "  kept \(s.emitted)  rejected \(s.rejected)"
        if s.cached > 0 { text += "  reused \(s.cached)" }
        if s.failed > 0 { text += "  failed \(s.failed)" }
        if s.finished { text += "  done" }
        return text
    }

    /// Seconds left: from the units of work when the stage reports them (the items not started yet
    /// counted at the mean units of those started), else from the items.
    static func eta(_ s: StageProgress.Snapshot, elapsed: TimeInterval) -> Double? {
        guard let total = s.total, total > 0, elapsed > 0 else { return nil }
        if s.unitsPlanned > 0 && s.unitsDone > 0 {
            let perItem = Double(s.unitsPlanned) / Double(max(s.itemsStarted, 1))
            let notStarted = max(0, total - s.cached - s.itemsStarted)
            let left = Double(s.unitsPlanned - s.unitsDone) + Double(notStarted) * perItem
            return left / (Double(s.unitsDone) / elapsed)
        }
        let rate = Double(s.processed) / elapsed
        guard rate > 0, s.done < total else { return nil }
        return Double(total - s.done) / rate
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }
}
