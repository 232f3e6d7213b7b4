import Testing
@testable import Pipeline

/// The progress line of a stage whose items are long: sections done of those planned, generated
/// tokens per second, and an ETA from the sections (items not started counted at the mean).
@Suite struct ProgressLineTests {
    @Test func longItemsShowSectionsTokensAndAnEtaFromThem() {
        let progress = StageProgress(name: "write")
        progress.setTotal(4)
        progress.plan(units: 8, named: "sections")
        progress.plan(units: 6, named: "sections")
        for _ in 0..<7 { progress.finishUnit() }
        progress.add(tokensOut: 7_000)
        let line = ProgressReporter.line(for: "write", progress.snapshot, elapsed: 70)
        #expect(line.contains("0/4") && line.contains("sections 7/14") && line.contains("100 tok/s"), "\(line)")
        // 7 sections left in the two started records, 2 records not started at 7 sections each: 21 sections at 0.1/s.
        #expect(line.contains("eta 3m30s"), "\(line)")
    }

    @Test func shortItemsKeepTheItemRate() {
        let progress = StageProgress(name: "mine")
        progress.setTotal(100)
        progress.add(processed: 50, emitted: 40, rejected: 10)
        let line = ProgressReporter.line(for: "mine", progress.snapshot, elapsed: 10)
        #expect(line.contains("50/100") && line.contains("5.0/s") && line.contains("eta 10s") && line.contains("kept 40"), "\(line)")
    }
}
