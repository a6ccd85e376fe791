import Foundation
import Input
import Rules

// What CLITests and BatchTests share: the `certpack` beside the test binary, run as a user would run
// it (today fixed, no roster of the user's ever written), and the helpers around its files.

public let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The `certpack` built beside this test binary. Every run of it is told today is `fixedToday`
/// (`CERTPACK_TODAY`, inherited): the examples' visit dates must not fall into the past as the clock moves.
public let certpack: String = {
    setenv("CERTPACK_TODAY", fixedToday, 0)
    // A roster the user keeps is never written by a test: fill and batch look for one that does not exist.
    setenv("CERTPACK_ROSTER", "/nonexistent/certpack-tests/roster.sqlite", 1)
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("certpack").path
    if FileManager.default.isExecutableFile(atPath: beside) { return beside }
    return repoRoot.appendingPathComponent(".build/debug/certpack").path
}()

/// The day the CLI is told is today (`CERTPACK_TODAY`): the examples' visit dates are after it.
public let fixedToday = "2026-12-02"

public struct Run {
    public var status: Int32
    public var out: String
    public var err: String
    public init(status: Int32, out: String, err: String) {
        self.status = status
        self.out = out
        self.err = err
    }
}

/// Runs a program to the end and collects its output.
@discardableResult
public func run(_ program: String, _ args: [String], cwd: URL = repoRoot) throws -> Run {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: program.hasPrefix("/") ? program : "/usr/bin/env")
    p.arguments = program.hasPrefix("/") ? args : [program] + args
    p.currentDirectoryURL = cwd
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Run(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
}

public func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

public func pageCount(_ pdf: URL) throws -> Int {
    let info = try run("pdfinfo", [pdf.path]).out
    let line = info.split(separator: "\n").first { $0.hasPrefix("Pages:") } ?? ""
    return Int(line.split(separator: " ").last ?? "") ?? -1
}

/// Every file under `folder`, relative paths.
public func files(under folder: URL) -> [String] {
    (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []).sorted()
}

/// A batch of `count` organisations with valid check characters (computed, never copied), as CSV text.
/// `bad` maps a data row number (1-based) to a change that breaks it.
public func batchCSV(count: Int, bad: [Int: @Sendable (inout [String: String]) -> Void] = [:]) -> String {
    let header = BatchSchema.columns.map(\.header)
    var lines = [header.joined(separator: ",")]
    let districts = ["南山区", "福田区", "宝安区", "龙岗区", "罗湖区"]
    for n in 1...count {
        let code17 = String(format: "91440300MA5%06d", n)
        let lr17 = String(format: "440305198001%02d%03d", n % 28 + 1, n)
        let h17 = String(format: "440306199002%02d%03d", n % 28 + 1, n)
        var v: [String: String] = [
            "单位名称": "深圳市\(districts[n % 5])第\(n)号康宁诊所有限公司",
            "统一社会信用代码": code17 + String(CheckDigits.usccCheckCharacter(code17)!),
            "单位地址": "深圳市\(districts[n % 5])科技路\(n)号",
            "法定代表人姓名": "陈志\(n)", "法定代表人证件号码": lr17 + String(CheckDigits.residentIDCheckDigit(lr17)!),
            "法定代表人手机": String(format: "138%08d", n),
            "经办人姓名": "李俊\(n)", "经办人证件号码": h17 + String(CheckDigits.residentIDCheckDigit(h17)!),
            "经办人手机": String(format: "139%08d", n),
            "业务类型": "新办", "机构证书年限": "1", "法人证书年限": "\(n % 5 + 1)",
            "办理日期": "2026-12-07", "受理点": "科技园文化广场",
        ]
        bad[n]?(&v)
        lines.append(header.map { CSVReader.escape(v[$0] ?? "") }.joined(separator: ","))
    }
    return lines.joined(separator: "\r\n") + "\r\n"
}
