import Foundation
import Store
import Testing
import TestSupport

/// What a scheduled build relies on: documented exit codes, silence with --quiet unless
/// something is wrong, --log-file, and an immediate exit 75 when another build holds the lock.
@Suite(.serialized) struct CronTests {
    let mine = Repository.path("pipelines/mine.yaml")

    @Test func aQuietSuccessfulBuildPrintsNothingAndLogsItsSummary() throws {
        let folder = TempFolder("cron-quiet")
        let log = folder.file("build.log")
        let result = try LWDataBinary.run(["build", mine, "--out", folder.file("out"), "--quiet", "--log-file", log])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty && result.stderr.isEmpty, "\(result.stdout)\(result.stderr)")
        let text = try String(contentsOfFile: log, encoding: .utf8)
        #expect(text.contains("info:   mine             computed 340, reused 0, kept 334, rejected 6"), "\(text)")
        // Every line is stamped; a second run appends.
        #expect(try LWDataBinary.run(["build", mine, "--out", folder.file("out"), "--quiet", "--log-file", log]).status == 0)
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.count > text.split(separator: "\n").count)
        #expect(lines.allSatisfy { $0.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ lwdata\[\d+\] \w+: "#, options: .regularExpression) != nil })
        #expect(lines.last { $0.contains("computed") }?.contains("computed 0, reused 340") == true)
    }

    @Test func aBuildFindingTheLockHeldExits75AtOnce() throws {
        let folder = TempFolder("cron-busy")
        let out = folder.file("out")
        let log = folder.file("build.log")
        #expect(try LWDataBinary.run(["build", mine, "--out", out, "--quiet"]).status == 0)
        let lock = try OutputLock(directory: out, owner: "lwdata build (another one)")
        defer { lock.release() }
        let started = Date()
        let quiet = try LWDataBinary.run(["build", mine, "--out", out, "--quiet", "--log-file", log])
        // It does not wait for the lock (the lock is held until this test ends, so waiting would hang).
        #expect(Date().timeIntervalSince(started) < 60)
        #expect(quiet.status == 75)
        #expect(quiet.stderr.isEmpty, "an overlapping scheduled run is not an error: \(quiet.stderr)")
        #expect(try String(contentsOfFile: log, encoding: .utf8).contains("notice: \(out) is in use by another lwdata build (pid"))
        let loud = try LWDataBinary.run(["build", mine, "--out", out])
        #expect(loud.status == 75)
        #expect(loud.stderr.contains("in use by another lwdata build"))
        #expect(try LWDataBinary.run(["gc", "--out", out, "--keep", "1"]).status == 75)
    }

    @Test func badConfigurationExits2AndErrorsReachTheLogFile() throws {
        let folder = TempFolder("cron-bad")
        let log = folder.file("build.log")
        let result = try LWDataBinary.run(["build", folder.file("missing.yaml"), "--out", folder.file("out"), "--quiet", "--log-file", log])
        #expect(result.status == 2)
        #expect(result.stderr.contains("missing.yaml"))
        #expect(try String(contentsOfFile: log, encoding: .utf8).contains("error: ") )
        let unwritable = try LWDataBinary.run(["build", mine, "--out", folder.file("out"), "--log-file", folder.file("no/such/dir/log")])
        #expect(unwritable.status == 2 && unwritable.stderr.contains("--log-file"))
        #expect(try LWDataBinary.run(["gc", "--out", folder.file("out"), "--keep=-1"]).status == 2)
        let help = try LWDataBinary.run(["--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for code in ["0 success", "1 failure", "2 bad configuration", "75 output folder busy", "130 interrupted"] {
            #expect(help.contains(code), "\(code)")
        }
    }

    @Test func theSchedulingExamplesUseOptionsThatExist() throws {
        let help = try LWDataBinary.run(["build", "--help"]).stdout + (try LWDataBinary.run(["gc", "--help"]).stdout)
            + (try LWDataBinary.run(["export", "--help"]).stdout)
        let examples = ["examples/crontab", "examples/lwdata-build.service", "examples/lwdata-build.timer"]
        var used = Set<String>()
        for example in examples {
            let text = try String(contentsOfFile: Repository.path(example), encoding: .utf8)
            for line in text.split(separator: "\n") where line.range(of: #"lwdata (build|gc|export) "#, options: .regularExpression) != nil {
                for word in line.split(separator: " ") where word.hasPrefix("--") { used.insert(String(word)) }
            }
        }
        #expect(used.isSuperset(of: ["--quiet", "--log-file", "--keep"]))
        for option in used { #expect(help.contains(option), "\(option) is not an lwdata option") }
        // systemd checks the units offline (keys, sections, that ExecStart runs) with the paths pointed here.
        guard (try? runTool("systemd-analyze", ["--version"]))?.status == 0 else { return }
        let units = TempFolder("cron-units")
        let service = try String(contentsOfFile: Repository.path("examples/lwdata-build.service"), encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/lwdata", with: LWDataBinary.path)
            .replacingOccurrences(of: "/srv/lwdata", with: units.path)
        try service.write(toFile: units.file("lwdata-build.service"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: Repository.path("examples/lwdata-build.timer"), toPath: units.file("lwdata-build.timer"))
        let verify = try runTool("sh", ["-c", "systemd-analyze verify \"$0\" \"$1\" 2>&1", units.file("lwdata-build.timer"), units.file("lwdata-build.service")])
        #expect(verify.status == 0, "\(verify.output)")
        #expect(!verify.output.contains("Unknown") && !verify.output.contains("ignoring"), "\(verify.output)")
    }
}
