import ArgumentParser
import Pipeline
import Store

/// Documented exit codes, for cron and scripts, and the one mapping from errors to them.
enum ExitCodes {
    /// The build failed, or some items failed and a re-run will retry them.
    static let failure = ExitCode(1)
    /// The pipeline file or an input is wrong; nothing was run.
    static let badConfiguration = ExitCode(2)
    /// Another build holds the output folder's lock (EX_TEMPFAIL).
    static let busy = ExitCode(75)
    /// Stopped by SIGINT/SIGTERM after finishing open shards; a re-run resumes.
    static let interrupted = ExitCode(130)

    /// The exit code for an error that stopped a command: another process's lock is `busy`, a wrong
    /// pipeline, input or partition is `badConfiguration`, an exit code is itself, anything else
    /// is `otherwise` (what the failing step means: a bad argument or a failed run).
    static func code(for error: any Error, otherwise: ExitCode) -> ExitCode {
        switch error {
        case let code as ExitCode: return code
        case StoreError.busy: return busy
        case let error as PipelineError where error.isConfiguration: return badConfiguration
        case is PartitionError: return badConfiguration
        default: return otherwise
        }
    }
}
