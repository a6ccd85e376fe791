import Forms
import Foundation
import Rules
import Typeset

/// The repository root, found from this file's path.
let repoRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Loaded once per test process and shared, as the program does.
let tools: PackTools = try! PackTools.load(templates: repoRoot.appendingPathComponent("Templates"))
let sharedFonts = tools.fonts
let sharedCatalog = tools.catalog
let sharedLibrary = tools.library
let fonts = sharedFonts

func example(_ name: String) throws -> Application {
    try ApplicationLoader.load(url: repoRoot.appendingPathComponent("Examples/\(name)"))
}

/// Every single-application example (not batch files).
func exampleNames() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: repoRoot.appendingPathComponent("Examples").path)
        .filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0.hasSuffix(".json")) && !$0.contains("batch") }
        .sorted()
}

/// A fresh empty folder under the system's temporary folder.
func temporaryFolder(_ tag: String = "pdf") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-\(tag)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs a tool, returning its exit status and standard output (standard error appended).
@discardableResult
func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [tool] + arguments
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}
