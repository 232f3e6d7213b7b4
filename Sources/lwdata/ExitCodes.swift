import ArgumentParser

/// Documented exit codes, for cron and scripts.
enum ExitCodes {
    /// The build failed, or some items failed and a re-run will retry them.
    static let failure = ExitCode(1)
    /// The pipeline file or an input is wrong; nothing was run.
    static let badConfiguration = ExitCode(2)
    /// Another build holds the output folder's lock (EX_TEMPFAIL).
    static let busy = ExitCode(75)
    /// Stopped by SIGINT/SIGTERM after finishing open shards; a re-run resumes.
    static let interrupted = ExitCode(130)
}
