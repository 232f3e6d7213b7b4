import Foundation
import TestSupport

/// A real one-node Slurm cluster on loopback (`scripts/slurm-cluster.sh`), started for one test.
final class SlurmCluster {
    /// Why the Slurm tests cannot run here, or nil when they can: the daemons need the Debian packages
    /// `slurm-wlm` and `munge` (scripts/test.sh installs them) and root (slurmd starts jobs as their user).
    static let unavailableReason: String? = {
        let tools = ["/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged", "/usr/bin/sbatch"]
        if let missing = tools.first(where: { !FileManager.default.isExecutableFile(atPath: $0) }) {
            return "Slurm test skipped: \(missing) is not installed (apt-get install slurm-wlm munge)"
        }
        if getuid() != 0 { return "Slurm test skipped: slurmd must run as root, and this user is not" }
        return nil
    }()

    let folder: String
    let environment: [String: String]

    /// Starts munged, slurmctld and slurmd under `folder` on free ports and waits until the node is idle.
    init(folder: String) throws {
        self.folder = folder
        let port = Int.random(in: 20000..<40000)
        var env = ProcessInfo.processInfo.environment
        env["SLURM_TEST_CTLD_PORT"] = "\(port)"
        env["SLURM_TEST_SLURMD_PORT"] = "\(port + 1)"
        let started = try Self.run("/bin/bash", [Repository.path("scripts/slurm-cluster.sh"), "start", folder], environment: env)
        guard started.status == 0, let line = started.stdout.split(separator: "\n").last(where: { $0.hasPrefix("export SLURM_CONF=") }) else {
            throw SlurmError.clusterDidNotStart(status: started.status, output: started.stdout + started.stderr)
        }
        env["SLURM_CONF"] = String(line.dropFirst("export SLURM_CONF=".count))
        env["LWDATA"] = LWDataBinary.path
        environment = env
    }

    deinit { _ = try? Self.run("/bin/bash", [Repository.path("scripts/slurm-cluster.sh"), "stop", folder], environment: environment) }

    /// `sbatch --parsable ARGS`: the job id.
    func submit(_ arguments: [String]) throws -> String {
        let result = try run("sbatch", ["--parsable"] + arguments)
        guard result.status == 0, let id = result.stdout.split(separator: "\n").first.map({ String($0.split(separator: ";")[0]) }) else {
            throw SlurmError.commandFailed("sbatch \(arguments.joined(separator: " "))", result.stderr)
        }
        return id
    }

    /// The state of every task of a job (`scontrol show job`: one entry per array task).
    func states(_ job: String) throws -> [String] {
        let result = try run("scontrol", ["show", "job", job])
        guard result.status == 0 else { throw SlurmError.commandFailed("scontrol show job \(job)", result.stderr) }
        return result.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" })
            .filter { $0.hasPrefix("JobState=") }.map { String($0.dropFirst("JobState=".count)) }
    }

    /// Waits until no task of the job is pending or running; its tasks' final states.
    func wait(_ job: String, timeout: TimeInterval = 600) throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let states = try states(job)
            // squeue lists a job until its processes are gone (also while COMPLETING).
            if !states.isEmpty, states.allSatisfy({ !["PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "REQUEUED"].contains($0) }),
               try run("squeue", ["-h", "-j", job]).stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                return states
            }
            usleep(300_000)
        }
        throw SlurmError.timedOut(job: job)
    }

    /// Runs a Slurm client tool against this cluster.
    func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try Self.run("/usr/bin/env", [tool] + arguments, environment: environment)
    }

    private static func run(_ executable: String, _ arguments: [String], environment: [String: String]) throws
        -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("slurm-\(UUID().uuidString).out")
        let err = out.appendingPathExtension("err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: err) }
        // Files, not pipes: munged and the Slurm daemons keep inherited descriptors open.
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOf: out, encoding: .utf8), try String(contentsOf: err, encoding: .utf8))
    }
}

enum SlurmError: Error, CustomStringConvertible {
    case clusterDidNotStart(status: Int32, output: String)
    case commandFailed(String, String)
    case timedOut(job: String)

    var description: String {
        switch self {
        case .clusterDidNotStart(let status, let output): return "slurm-cluster.sh start exited \(status): \(output)"
        case .commandFailed(let command, let stderr): return "\(command) failed: \(stderr)"
        case .timedOut(let job): return "job \(job) did not finish in time"
        }
    }
}
