import Foundation
import Hummingbird
import HummingbirdTesting
import Rules
import Testing

@testable import Web

/// The server at its edges: stopped during a batch it leaves nothing of a job; pending batches are
/// capped; an idle connection is closed.
@Suite("Web: the server's edges", .serialized)
struct ServerEdgesTests {
    static func server(
        port: Int = 8080, pendingBatches: Int = WebLimits.pendingBatches, pendingBytes: Int = WebLimits.pendingBatchBytes,
        idleTimeout: Double = WebLimits.idleTimeout
    ) async throws -> WebServer {
        var c = WebServer.Configuration(
            host: "127.0.0.1", port: port, templates: repoRoot.appendingPathComponent("Templates").path,
            today: { CivilDate(year: 2026, month: 12, day: 2)! })
        c.pendingBatches = pendingBatches
        c.pendingBatchBytes = pendingBytes
        c.idleTimeout = idleTimeout
        return try await WebServer(c)
    }

    /// A batch of `count` valid organisations as CSV (check characters computed).
    static func batchCSV(count: Int) -> String {
        var lines = ["单位名称,统一社会信用代码,单位地址,法定代表人姓名,法定代表人证件号码,法定代表人手机,经办人姓名,经办人证件号码,经办人手机,业务类型,机构证书年限,法人证书年限,办理日期"]
        for n in 1...count {
            let code17 = String(format: "91440300MA5%06d", n)
            let lr17 = String(format: "440305198001%02d%03d", n % 28 + 1, n)
            let h17 = String(format: "440306199002%02d%03d", n % 28 + 1, n)
            lines.append(
                [
                    "深圳市南山区第\(n)号康宁诊所有限公司", code17 + String(CheckDigits.usccCheckCharacter(code17)!), "深圳市南山区科技路\(n)号",
                    "陈志\(n)", lr17 + String(CheckDigits.residentIDCheckDigit(lr17)!), String(format: "138%08d", n),
                    "李俊\(n)", h17 + String(CheckDigits.residentIDCheckDigit(h17)!), String(format: "139%08d", n),
                    "新办", "1", "1", "2026-12-07",
                ].joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    @Test("beyond the pending batches' cap an upload is answered 503 with Retry-After and a Chinese message")
    func pendingBatchesCapped() async throws {
        let server = try await Self.server(pendingBatches: 1)
        defer { server.removeAllJobs() }
        let body = ByteBuffer(string: Self.batchCSV(count: 2))
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/api/batch?name=a.csv", method: .post, headers: sameOrigin, body: body) { r in
                #expect(r.status == .ok)
            }
            try await client.execute(uri: "/api/batch?name=b.csv", method: .post, headers: sameOrigin, body: body) { r in
                #expect(r.status == .serviceUnavailable)
                #expect(r.headers[.retryAfter] == "60")
                let message = try json(r.body)["error"] as? String ?? ""
                #expect(message.contains("等待生成") && message.contains("上限 1 个"), "\(message)")
            }
        }
        #expect(server.jobs.count == 1, "the refused upload kept nothing")
    }

    @Test("the pending batches' bytes are capped too")
    func pendingBytesCapped() async throws {
        let csv = Self.batchCSV(count: 3)
        let server = try await Self.server(pendingBytes: csv.utf8.count + 10)
        defer { server.removeAllJobs() }
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/api/batch?name=a.csv", method: .post, headers: sameOrigin, body: ByteBuffer(string: csv)) { r in
                #expect(r.status == .ok)
            }
            try await client.execute(uri: "/api/batch?name=b.csv", method: .post, headers: sameOrigin, body: ByteBuffer(string: csv)) { r in
                #expect(r.status == .serviceUnavailable && r.headers[.retryAfter] != nil)
            }
        }
    }

    @Test("an idle connection is closed after the idle timeout (Hummingbird's server configuration)")
    func idleConnectionClosed() async throws {
        let server = try await Self.server(port: 0, idleTimeout: 0.5)
        defer { server.removeAllJobs() }
        try await server.application().test(.live) { client in
            let port = try #require(client.port)
            let (n, error, elapsed) = try await offThePool { Self.idleRead(port: port) }
            #expect(n == 0, "closed by the server (recv returned \(n), errno \(error))")
            #expect(elapsed < 8, "closed after the idle timeout, not the test's")
        }
    }

    /// Connects, sends half a request head, then waits (10 s at most) for the server to close:
    /// what `recv` last returned, its errno and the seconds it took.
    static func idleRead(port: Int) -> (Int, Int32, Double) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return (-2, errno, 0) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return (-3, errno, 0) }
        // Half a request head, then silence: the server must close the connection, not wait forever.
        _ = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n".withCString { send(fd, $0, strlen($0), 0) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let start = Date()
        var buffer = [UInt8](repeating: 0, count: 512)
        var n = 0
        repeat { n = recv(fd, &buffer, buffer.count, 0) } while n > 0
        return (n, errno, Date().timeIntervalSince(start))
    }

    // MARK: - Stopped during a batch

    static let certpack: String = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("certpack").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return repoRoot.appendingPathComponent(".build/debug/certpack").path
    }()

    static func curl(_ args: [String]) throws -> String {
        try run("curl", ["-s", "--max-time", "20"] + args).out
    }

    @Test(
        "SIGTERM or SIGINT while a web batch runs: workers stopped and waited for, then nothing of a job is left",
        arguments: [SIGTERM, SIGINT])
    func stoppedDuringABatch(_ sig: Int32) async throws {
        let tmp = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let outcome = try await offThePool { try Self.stopDuringABatch(sig, tmp: tmp) }
        #expect(outcome.started, "certpack serve did not start")
        #expect(outcome.running, "the batch was not running when the signal came")
        #expect(outcome.stopped, "the server stopped")
        #expect(outcome.left.isEmpty, "left behind: \(outcome.left.prefix(10))")
    }

    struct Outcome: Sendable { var started = false, running = false, stopped = false, left: [String] = [] }

    /// Starts `certpack serve` with its own TMPDIR, uploads and runs a batch, sends `sig` while packs are
    /// being written, and lists what is left in TMPDIR once the server has exited.
    static func stopDuringABatch(_ sig: Int32, tmp: URL) throws -> Outcome {
        var outcome = Outcome()
        let port = Int.random(in: 20_000...40_000)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.certpack)
        p.arguments = ["serve", "--port", "\(port)", "--templates", repoRoot.appendingPathComponent("Templates").path]
        var env = ProcessInfo.processInfo.environment
        env["TMPDIR"] = tmp.path
        env["CERTPACK_TODAY"] = "2026-12-02"
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
        let base = "http://127.0.0.1:\(port)"
        for _ in 0..<200 where !outcome.started {
            outcome.started = (try? Self.curl(["-o", "/dev/null", "-w", "%{http_code}", base + "/offices"])) == "200"
            if !outcome.started { usleep(100_000) }
        }
        guard outcome.started else { return outcome }
        let csv = tmp.appendingPathComponent("b.csv")
        try Self.batchCSV(count: 40).write(to: csv, atomically: true, encoding: .utf8)
        let upload = try Self.curl(["-H", "X-CertPack: 1", "--data-binary", "@" + csv.path, base + "/api/batch?name=b.csv"])
        try FileManager.default.removeItem(at: csv)
        guard let job = (try? JSONSerialization.jsonObject(with: Data(upload.utf8)) as? [String: Any])?["job"] as? String else { return outcome }
        _ = try Self.curl(["-X", "POST", "-H", "X-CertPack: 1", base + "/api/batch/\(job)/run"])
        // Wait until packs are being written, then stop the server.
        for _ in 0..<500 where !outcome.running {
            let status = try Self.curl([base + "/api/batch/\(job)"])
            let answer = (try? JSONSerialization.jsonObject(with: Data(status.utf8)) as? [String: Any]) ?? [:]
            outcome.running = answer["phase"] as? String == "running" && (answer["done"] as? Int ?? 0) > 0
            if !outcome.running { usleep(20_000) }
        }
        kill(p.processIdentifier, sig)
        let deadline = Date().addingTimeInterval(30)
        while p.isRunning && Date() < deadline { usleep(50_000) }
        outcome.stopped = !p.isRunning
        usleep(500_000)  // anything a straggler would still write
        outcome.left = FileManager.default.enumerator(atPath: tmp.path)?.allObjects as? [String] ?? []
        return outcome
    }
}

/// Runs blocking work (sockets, child processes, sleeps) on a thread of its own, not on the test
/// runner's few cooperative threads, which other tests' timers need.
func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { c in
        Thread.detachNewThread { c.resume(with: Result { try work() }) }
    }
}
