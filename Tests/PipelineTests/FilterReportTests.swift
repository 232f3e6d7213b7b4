import Foundation
import TestSupport
#if canImport(FoundationXML)
import FoundationXML
#endif
import Store
import Testing
@testable import Pipeline
@testable import Stages

/// `lwdata report` over a real output folder (a `dedup-filter` build), rendered by headless
/// Chromium: the page must show its five charts with their marks.
@Suite struct FilterReportTests {
    /// Decodes a PNG (8-bit RGB or RGBA, not interlaced) and counts pixels near each colour.
    static let pixelCounter = #"""
        import json, struct, sys, zlib
        data = open(sys.argv[1], "rb").read()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        pos, idat = 8, b""
        while pos < len(data):
            length, kind = struct.unpack(">I4s", data[pos:pos + 8])
            body = data[pos + 8:pos + 8 + length]
            if kind == b"IHDR":
                width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            elif kind == b"IDAT":
                idat += body
            pos += 12 + length
        assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
        bpp = 3 if colour == 2 else 4
        raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
        for y in range(height):
            f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
            for i in range(stride):
                a, b, c = (line[i - bpp] if i >= bpp else 0), prev[i], (prev[i - bpp] if i >= bpp else 0)
                if f == 1: line[i] = (line[i] + a) & 255
                elif f == 2: line[i] = (line[i] + b) & 255
                elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
                elif f == 4:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            rows.append(line)
            prev = line
        targets = {name: tuple(int(hexa[i:i + 2], 16) for i in (1, 3, 5)) for name, hexa in json.loads(sys.argv[2]).items()}
        counts = {name: 0 for name in targets}
        for line in rows:
            for x in range(0, stride, bpp):
                px = line[x:x + 3]
                for name, t in targets.items():
                    if abs(px[0] - t[0]) + abs(px[1] - t[1]) + abs(px[2] - t[2]) < 30:
                        counts[name] += 1
        print(json.dumps({"width": width, "height": height, "counts": counts}))
        """#

    @Test func reportShowsItsChartsInAHeadlessBrowser() async throws {
        let folder = TempFolder("report")
        let (records, expected) = DedupFilterStageTests.firstBatch()
        _ = try await DedupFilterStageTests.build(records, in: folder)
        let out = folder.file("out")
        let report = try DatasetReport(manifest: try Manifest(directory: out))

        // The figures.
        #expect(report.finalStage == "dedup-filter")
        #expect(report.records.count == 20)
        #expect(report.records.allSatisfy { $0.required == 300 && $0.bucket == 0 && $0.lengthScore != nil })
        #expect(report.rejects.map(\.count).reduce(0, +) == expected.count)
        #expect(Set(report.rejects.map(\.reason)) == Set(expected.values))
        #expect(report.clusterSizes == [2: 4], "four planted duplicates, each of one kept record")
        #expect(report.lengthScoreHistogram.counts.reduce(0, +) == 20)

        let page = try ReportPage.write(report, directory: out)
        let json = try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: out + "/report/report.json"))))
        #expect(json["records"] == 20 && json["length_points"]?.array?.count == 20)
        #expect(json["duplicate_clusters"] == [["size": 2, "clusters": 4]])
        for chart in ReportCharts.all(report) {
            let svg = try String(contentsOfFile: "\(out)/report/\(chart.name).svg", encoding: .utf8)
            #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""), "\(chart.name)")
            let xml = try XMLDocument(xmlString: svg)
            #expect(try xml.nodes(forXPath: "//*[local-name()='rect' and @class='mark']").count
                    + xml.nodes(forXPath: "//*[local-name()='circle' and @class='mark']").count > 0, "\(chart.name) has marks")
        }

        // Chromium parses the page into a DOM with the five charts and their marks …
        let browser = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--log-level=3"]
        let dom = try runTool("chromium", browser + ["--dump-dom", "file://" + page]).output
        #expect(dom.components(separatedBy: "<svg ").count - 1 == 5)
        #expect(dom.components(separatedBy: "<circle class=\"mark\"").count - 1 == 20 + 3, "20 records and a 3-entry legend")
        #expect(dom.components(separatedBy: "<title>required 300, produced").count - 1 == 20)
        #expect(dom.contains("Rejects by reason") && dom.contains("dedup-filter · near_duplicate_response"))

        // The record browser lists every final record and reject, and opens a record to its text.
        let rows = try RecordBrowser.write(manifest: try Manifest(directory: out), finalStage: report.finalStage, folder: out + "/report")
        #expect(rows == 20 + expected.count)
        let browse = browser + ["--virtual-time-budget=4000", "--dump-dom"]
        let listing = try runTool("chromium", browse + ["file://" + out + "/report/records.html"]).output
        #expect(listing.contains("\(rows) of \(rows) records"), "\(listing.suffix(2000))")
        let body = listing.components(separatedBy: "<tbody id=\"rows\">").last?.components(separatedBy: "</tbody>").first ?? ""
        #expect(body.components(separatedBy: "<tr class=\"row ").count - 1 == rows)
        #expect(body.components(separatedBy: "<tr class=\"row rejected").count - 1 == expected.count)
        let opened = try runTool("chromium", browse + ["file://" + out + "/report/records.html#record=0"]).output
        #expect(opened.contains("id=\"record-title\""), "\(opened.suffix(3000))")
        let firstWords = try #require(try listingFirstResponse(out: out)).prefix(60)
        #expect(opened.contains(String(firstWords)), "the opened record shows its answer")

        // … and draws them: a screenshot holds every chart colour.
        let png = folder.file("report.png")
        _ = try runTool("chromium", browser + ["--screenshot=" + png, "--window-size=1340,2400", "--force-device-scale-factor=0.5",
                                          "file://" + page])
        let colours = ##"{"blue": "#4e79a7", "green": "#59a14f", "orange": "#f28e2b", "red": "#e15759"}"##
        let measured = try runTool("python3", ["-c", Self.pixelCounter, png, colours])
        #expect(measured.status == 0)
        let counts = try JSONValue.parse(Array(measured.output.utf8))["counts"]
        for colour in ["blue", "green", "orange", "red"] {
            #expect((counts?[colour]?.int ?? 0) > 50, "\(colour) pixels: \(measured.output)")
        }
    }

    @Test func emptyFolderStillGivesAPageWithEmptyCharts() throws {
        let folder = TempFolder("report-empty")
        let report = try DatasetReport(manifest: try Manifest(directory: folder.path))
        #expect(report.finalStage == nil && report.records.isEmpty)
        let page = try ReportPage.write(report, directory: folder.path)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.components(separatedBy: "<svg ").count - 1 == 5)
        #expect(html.contains("no final record has a required length") && html.contains("nothing was rejected"))
    }

    @Test func lengthsComeFromExportMetaFilterAnnotationOrTheText() {
        let exported = Record(id: "a", fields: ["meta": ["required_words": 2000, "produced_words": 1800, "length_score": 94.4]])
        #expect(DatasetReport.lengths(of: exported) == .init(required: 2000, produced: 1800, lengthScore: 94.4, bucket: 2000))
        let filtered = Record(id: "b", fields: ["length": ["required_words": 5000], "filter": ["produced_words": 4000], "response": "x"])
        let lengths = DatasetReport.lengths(of: filtered)
        #expect(lengths.produced == 4000 && lengths.bucket == 4000 && lengths.lengthScore == LengthScore.score(required: 5000, produced: 4000))
        let plain = Record(id: "c", fields: ["messages": [["role": "user", "content": "q"], ["role": "assistant", "content": "one two three"]]])
        #expect(DatasetReport.lengths(of: plain) == .init(required: nil, produced: 3, lengthScore: nil, bucket: 0))
    }

    /// The answer of the browser's first row, read from the chunk file the page loads.
    func listingFirstResponse(out: String) throws -> String? {
        let script = try String(contentsOfFile: out + "/report/records/chunk-0.js", encoding: .utf8)
        let json = script.dropFirst("LW.chunkLoaded(0, ".count).dropLast(3)
        return try JSONValue.parse(Array(json.utf8)).array?.first?["response"]?.string
    }
}
