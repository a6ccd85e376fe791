import Foundation
import Hummingbird
import HummingbirdTesting
import Rules

@testable import Web

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A server on the repository's Templates, with today fixed so the checklist is the same every run.
func makeServer(
    host: String = "127.0.0.1", token: String? = nil, queue: Int = 8, upload: Int = WebLimits.uploadBytes,
    rows: Int = WebLimits.batchRows, today: CivilDate = CivilDate(year: 2026, month: 12, day: 1)!,
    roster: URL? = nil
) async throws -> WebServer {
    var config = WebServer.Configuration(
        host: host, port: 8080, token: token, templates: repoRoot.appendingPathComponent("Templates").path,
        queueCapacity: queue, requestTimeLimit: 60, uploadLimit: upload, rowLimit: rows,
        today: { today })
    config.roster = roster?.path
    return try await WebServer(config)
}

/// Headers of a POST from the page itself (the router test client's authority is `localhost`).
let sameOrigin: HTTPFields = [.contentType: "application/json", Header.origin: "http://localhost"]

func jsonBuffer(_ object: Any) throws -> ByteBuffer {
    ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
}

func json(_ buffer: ByteBuffer) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any] ?? [:]
}

/// The example applicant as the page sends it.
func exampleDraft() throws -> [String: Any] {
    let app = try ApplicationLoader.load(url: repoRoot.appendingPathComponent("Examples/new-odc-personal.yaml"))
    return try JSONSerialization.jsonObject(with: JSONEncoder().encode(app)) as! [String: Any]
}

struct Run {
    var status: Int32
    var out: String
}

/// Runs a program to the end and collects its standard output.
@discardableResult
func run(_ program: String, _ args: [String]) throws -> Run {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [program] + args
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Run(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self))
}

func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-web-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// One batch at a time in this test process: a batch made in-process (no worker processes in tests)
/// draws on its server's render lane, and two test servers are two lanes — but cairo must never
/// draw on two threads of one process, and the batch engine keeps one run's parts per process.
actor BatchGate {
    static let shared = BatchGate()
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async rethrows -> T {
        if busy { await withCheckedContinuation { waiting.append($0) } } else { busy = true }
        defer { if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() } }
        return try await body()
    }
}
