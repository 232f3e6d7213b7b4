import Foundation
import Messages
import Testing
@testable import Pipeline

@Suite struct EncoderHandleTests {
    struct LoadFailed: Error, CustomStringConvertible { var description: String { "no weights here" } }

    @Test func aTurnedOffEncoderIsAnErrorNamingTheStage() {
        #expect(throws: EncoderHandle.Failure.self) { try EncoderHandle.none.embedder(forStage: "write") }
        do {
            _ = try EncoderHandle.none.embedder(forStage: "write")
        } catch {
            #expect("\(error)".contains("stage write") && "\(error)".contains("LWDATA_ENCODER"))
        }
    }

    @Test func aFailedLoadIsTriedOnceAndReportedToEveryCaller() {
        let attempts = Attempts()
        let handle = EncoderHandle(identity: "x") {
            attempts.count()
            throw LoadFailed()
        }
        for stage in ["write", "dedup-filter"] {
            do {
                _ = try handle.embedder(forStage: stage)
                Issue.record("loaded")
            } catch {
                #expect("\(error)".contains("stage \(stage)") && "\(error)".contains("no weights here"), "\(error)")
            }
        }
        #expect(attempts.value == 1)
    }

    final class Attempts: @unchecked Sendable {  // guarded by its lock
        private let lock = NSLock()
        private var n = 0
        func count() { lock.withLock { n += 1 } }
        var value: Int { lock.withLock { n } }
    }
}
