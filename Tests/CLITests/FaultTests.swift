import Foundation
import Store
import TestSupport
import Testing

/// Builds killed at random moments and builds that run out of disk: nothing finished is lost,
/// nothing is written twice, and the next build completes the same dataset.
@Suite(.serialized) struct FaultTests {
    @Test func sigkillAtFiftyRandomMomentsLosesNothingAndDuplicatesNothing() throws {
        let folder = TempFolder("fault-kill")
        let pipeline = try writeLargeInput(in: folder, lines: 8000, shardRecords: 250)
        let reference = folder.file("reference")
        let started = Date()
        #expect(try LWDataBinary.run(["build", pipeline, "--out", reference, "--quiet"]).status == 0)
        let buildSeconds = max(0.2, Date().timeIntervalSince(started))
        let expected = try registeredLines(reference, .data) + (try registeredLines(reference, .reject))

        var rng = SystemRandomNumberGenerator()
        var kills = 0, rounds = 0, compared = 0, lost = 0, duplicated = 0
        let deadline = Date().addingTimeInterval(300)
        while kills < 50 && Date() < deadline {
            rounds += 1
            let out = folder.file("out-\(rounds)")
            // Kill builds into one folder at random moments, from start-up to half a whole build's
            // time (each resumes the one before, so the kills move through the whole build),
            // until one finishes first or 15 were killed; then a build completes it.
            for _ in 0..<15 where kills < 50 {
                let build = try LWDataBinary.start(["build", pipeline, "--out", out, "--quiet"])
                usleep(UInt32.random(in: 5_000...UInt32(buildSeconds * 500_000), using: &rng))
                guard build.isRunning else { build.waitUntilExit(); break }
                kill(build.processIdentifier, SIGKILL)
                build.waitUntilExit()
                if build.terminationReason == .uncaughtSignal && build.terminationStatus == SIGKILL { kills += 1 }
                // Whatever is registered is intact after every kill.
                let problems = try ShardVerifier.verify(Manifest(directory: out)).problems
                #expect(problems.allSatisfy { $0.kind == .unregistered }, "\(problems)")
            }
            let final = try LWDataBinary.run(["build", pipeline, "--out", out, "--quiet"])
            #expect(final.status == 0, "\(final.stderr)")
            let got = try registeredLines(out, .data) + (try registeredLines(out, .reject))
            let difference = multisetDifference(expected: expected, got: got)
            lost += difference.missing
            duplicated += difference.extra
            compared += got.count
            #expect(got.sorted() == expected.sorted(), "round \(rounds): \(difference.missing) lost, \(difference.extra) extra")
            #expect(try LWDataBinary.run(["verify", "--out", out]).status == 0)
        }
        print("fault figures: \(kills) SIGKILLs survived in \(rounds) rounds, \(compared) records compared with an uninterrupted build, \(lost) lost, \(duplicated) duplicated")
        #expect(kills >= 50)
        #expect(lost == 0 && duplicated == 0)
    }

    @Test func partsKilledAtRandomMomentsStillMergeIntoTheFullBuild() throws {
        let folder = TempFolder("fault-parts")
        let pipeline = try writeLargeInput(in: folder, lines: 6000, shardRecords: 200)
        let reference = folder.file("reference")
        let started = Date()
        #expect(try LWDataBinary.run(["build", pipeline, "--out", reference, "--quiet"]).status == 0)
        let buildSeconds = max(0.2, Date().timeIntervalSince(started))
        var rng = SystemRandomNumberGenerator()
        var kills = 0
        let parts = (1...3).map { folder.file("part-\($0)") }
        for (i, part) in parts.enumerated() {
            for _ in 0..<4 {
                let build = try LWDataBinary.start(["build", pipeline, "--out", part, "--part", "\(i + 1)/3", "--quiet"])
                usleep(UInt32.random(in: 5_000...UInt32(buildSeconds * 400_000), using: &rng))
                guard build.isRunning else { build.waitUntilExit(); break }
                kill(build.processIdentifier, SIGKILL)
                build.waitUntilExit()
                if build.terminationReason == .uncaughtSignal { kills += 1 }
            }
            #expect(try LWDataBinary.run(["build", pipeline, "--out", part, "--part", "\(i + 1)/3", "--quiet"]).status == 0)
        }
        #expect(kills > 0)
        let merged = folder.file("merged")
        let merge = try LWDataBinary.run(["merge"] + parts + ["--out", merged])
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(try registeredLines(merged, .data) == (try registeredLines(reference, .data)))
        #expect(try registeredLines(merged, .reject) == (try registeredLines(reference, .reject)))
    }

    @Test func aFullDiskFailsClearlyKeepsWhatIsFinishedAndTheBuildResumes() throws {
        let folder = TempFolder("fault-disk")
        let pipeline = try writeIncompressibleInput(in: folder, lines: 10_000, shardRecords: 200)
        let reference = folder.file("reference")
        #expect(try LWDataBinary.run(["build", pipeline, "--out", reference, "--quiet"]).status == 0)
        let expectedData = try registeredLines(reference, .data), expectedRejects = try registeredLines(reference, .reject)

        let disk = try SmallDisk(path: folder.file("disk"), kilobytes: 1024)
        let out = disk.path + "/out"
        let full = try disk.run(["build", pipeline, "--out", out, "--quiet"])
        #expect(full.status == 1)
        let reasons = ["No space left on device", "database or disk is full"] + (disk.isTmpfs ? [] : ["File too large", "disk I/O error"])
        #expect(reasons.contains { full.stderr.contains($0) }, "\(full.stderr)")
        #expect(full.stderr.contains(out + "/"), "the message names the file: \(full.stderr)")

        // The manifest opens, every registered shard is intact, and some work was kept.
        let problems = try ShardVerifier.verify(Manifest(directory: out)).problems
        #expect(problems.allSatisfy { $0.kind == .unregistered }, "\(problems)")
        let kept = try registeredLines(out, .data)
        #expect(!kept.isEmpty && kept.count < expectedData.count, "\(kept.count) of \(expectedData.count)")
        #expect(Set(kept).isSubset(of: Set(expectedData)))

        try disk.grow()
        let resumed = try disk.run(["build", pipeline, "--out", out])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("reused \(kept.count),"), "\(resumed.stdout)")
        #expect(try registeredLines(out, .data) == expectedData)
        #expect(try registeredLines(out, .reject) == expectedRejects)
        #expect(try LWDataBinary.run(["verify", "--out", out]).status == 0)
    }
}

/// A small disk for a build to fill: a tmpfs the test mounts when it may (root), otherwise a
/// limit on the size of every file the build writes (RLIMIT_FSIZE, SIGXFSZ ignored, so writes
/// fail with EFBIG instead of ENOSPC).
final class SmallDisk {
    let path: String
    let isTmpfs: Bool
    private var limitKilobytes: Int?

    init(path: String, kilobytes: Int) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        isTmpfs = try getuid() == 0 && runTool("mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", path]).status == 0
        if !isTmpfs {
            print("disk-full test: cannot mount a tmpfs here (not root, or no CAP_SYS_ADMIN); limiting file sizes to \(kilobytes) KB instead")
            limitKilobytes = kilobytes
        }
    }

    deinit {
        if isTmpfs { _ = try? runTool("umount", ["-l", path]) }
    }

    /// Makes room: remounts the tmpfs 256 times larger, or lifts the file size limit.
    func grow() throws {
        if isTmpfs {
            #expect(try runTool("mount", ["-o", "remount,size=256m", path]).status == 0)
        } else {
            limitKilobytes = nil
        }
    }

    /// Runs `lwdata` on this disk (under the file size limit when there is one).
    func run(_ arguments: [String]) throws -> LWDataBinary.Result {
        guard let limit = limitKilobytes else { return try LWDataBinary.run(arguments) }
        // POSIX `ulimit -f` counts 512-byte blocks. Output goes to files beside the disk, which
        // the limit does not reach (the reading side does not write).
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "trap '' XFSZ; ulimit -f \(limit * 2); exec \"$0\" \"$@\" >\"$LWDATA_STDOUT\" 2>\"$LWDATA_STDERR\"",
                             LWDataBinary.path] + arguments
        let stdout = path + ".stdout", stderr = path + ".stderr"
        process.environment = ProcessInfo.processInfo.environment.merging(["LWDATA_STDOUT": stdout, "LWDATA_STDERR": stderr]) { $1 }
        try process.run()
        process.waitUntilExit()
        return LWDataBinary.Result(status: process.terminationStatus,
                                   stdout: (try? String(contentsOfFile: stdout, encoding: .utf8)) ?? "",
                                   stderr: (try? String(contentsOfFile: stderr, encoding: .utf8)) ?? "")
    }
}

/// Queries of random words (they compress poorly, so shards and manifest grow fast) and a
/// mine pipeline over them.
func writeIncompressibleInput(in folder: TempFolder, lines: Int, shardRecords: Int) throws -> String {
    var rng = SystemRandomNumberGenerator()
    let syllables = ["ka", "lo", "mi", "ren", "sto", "vu", "dex", "pa", "qui", "zor", "ne", "tal", "bri", "ox", "fen", "gu"]
    var text = ""
    for i in 0..<lines {
        let words = (0..<12).map { _ in (0..<3).map { _ in syllables.randomElement(using: &rng)! }.joined() + String(Int.random(in: 0..<100_000, using: &rng)) }
        text += #"{"prompt": "Explain \#(words.joined(separator: " ")) in detail (\#(i))."}"# + "\n"
    }
    try text.write(toFile: folder.file("input.jsonl"), atomically: true, encoding: .utf8)
    let pipeline = folder.file("incompressible.yaml")
    try "name: incompressible\ninputs: [input.jsonl]\noutput:\n  shard_max_records: \(shardRecords)\nstages:\n  - name: mine\n"
        .write(toFile: pipeline, atomically: true, encoding: .utf8)
    return pipeline
}

/// How many lines `got` misses and how many it has beyond `expected`, counting repeats.
func multisetDifference(expected: [String], got: [String]) -> (missing: Int, extra: Int) {
    var counts: [String: Int] = [:]
    for line in expected { counts[line, default: 0] += 1 }
    for line in got { counts[line, default: 0] -= 1 }
    return (counts.values.filter { $0 > 0 }.reduce(0, +), -counts.values.filter { $0 < 0 }.reduce(0, +))
}
