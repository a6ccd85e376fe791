import Foundation
import Hummingbird
import HummingbirdTesting
import Rules
import Testing
import ZIPFoundation

@testable import Web

/// The web page's batch and `certpack batch` end through the same finishing step: the zip's 汇总 is
/// the command line's byte for byte, and the zip holds what a clerk should see only.
@Suite("Web: the batch zip")
struct BatchZipTests {
    /// The `certpack` built beside this test binary.
    static let certpack: String = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("certpack").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return repoRoot.appendingPathComponent(".build/debug/certpack").path
    }()

    /// The example batch through the routes, as the page does it (its packs made by worker processes,
    /// as `certpack serve` makes them); the zip's entries by path.
    static func webZip(_ csv: String, in folder: URL) async throws -> [String: Data] {
        let templates = repoRoot.appendingPathComponent("Templates").path
        var config = WebServer.Configuration(templates: templates, today: { CivilDate(year: 2026, month: 12, day: 1)! })
        config.batchWorker = [certpack, "batch-worker", "--templates", templates]
        let server = try await WebServer(config)
        defer { server.removeAllJobs() }
        let zip = folder.appendingPathComponent("batch.zip")
        try await server.application().test(.router) { client in
            let job = try await client.execute(
                uri: "/api/batch?name=batch.csv", method: .post, headers: sameOrigin,
                body: ByteBuffer(string: csv)
            ) { r in try json(r.body)["job"] as? String ?? "" }
            try await client.execute(uri: "/api/batch/\(job)/run", method: .post, headers: sameOrigin) { r in #expect(r.status == .ok) }
            var phase = ""
            for _ in 0..<600 where phase != "done" && phase != "failed" {
                try await Task.sleep(nanoseconds: 100_000_000)
                phase = try await client.execute(uri: "/api/batch/\(job)", method: .get) { r in try json(r.body)["phase"] as? String ?? "" }
            }
            #expect(phase == "done")
            try await client.execute(uri: "/batch/\(job)/download.zip", method: .get) { r in try Data(r.body.readableBytesView).write(to: zip) }
        }
        var entries: [String: Data] = [:]
        let archive = try Archive(url: zip, accessMode: .read)
        for entry in archive where entry.type == .file {
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            entries[entry.path] = data
        }
        return entries
    }

    @Test("the zip's 汇总.csv, .md and .xlsx are the command line's bytes for the same rows; no hidden file in the zip")
    func summaryAsTheCommandLineWritesIt() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = repoRoot.appendingPathComponent("Examples/batch.csv")
        let entries = try await Self.webZip(try String(contentsOf: input, encoding: .utf8), in: folder)

        let out = folder.appendingPathComponent("cli")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.certpack)
        p.arguments = ["batch", input.path, "-o", out.path, "--templates", repoRoot.appendingPathComponent("Templates").path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        // Awaited, not waited for: a blocked thread of the shared pool would hold up the other tests.
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, Error>) in
            p.terminationHandler = { _ in done.resume() }
            do { try p.run() } catch { done.resume(throwing: error) }
        }
        #expect(p.terminationStatus == 0)

        for name in ["汇总.csv", "汇总.md", "汇总.xlsx"] {
            let cli = try Data(contentsOf: out.appendingPathComponent(name))
            #expect(entries[name] == cli, "\(name) differs from the command line's")
        }
        let csv = try #require(entries["汇总.csv"])
        #expect(Array(csv.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(Array(csv.dropFirst(3).prefix(3)) != [0xEF, 0xBB, 0xBF], "one byte-order mark, not two")
        let hidden = entries.keys.filter { $0.split(separator: "/").contains { $0.hasPrefix(".") } }
        #expect(hidden.isEmpty, "hidden files in the zip: \(hidden.sorted())")
        #expect(entries.keys.filter { $0.hasSuffix("/申请材料.pdf") }.count == 5)
    }
}
