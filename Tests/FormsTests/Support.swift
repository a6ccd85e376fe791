import Forms
import Foundation
import Rules
import Typeset

/// The repository root, found from this file's path.
let repoRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Loaded once per test process and shared, as the program does.
let sharedFonts: FontBook = try! FontBook.load(fontsFolder: repoRoot.appendingPathComponent("Fonts"))
let sharedCatalog: Catalog = try! Catalog.load(templates: repoRoot.appendingPathComponent("Templates"))
let sharedLibrary: FormLibrary = try! FormLibrary.load(templates: repoRoot.appendingPathComponent("Templates"))

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
func temporaryFolder(_ tag: String = "forms") throws -> URL {
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

/// The text of page `n` (1-based) in content order, whitespace removed (values wrap inside cells).
func pageText(_ pdf: URL, _ n: Int) throws -> String {
    let r = try run("pdftotext", ["-raw", "-enc", "UTF-8", "-f", "\(n)", "-l", "\(n)", pdf.path, "-"])
    return squeeze(r.output)
}

func squeeze(_ s: String) -> String { String(s.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init)) }

/// The first page (1-based) of each document of the pack.
func firstPages(_ pack: Pack) -> [Int] {
    var n = 1
    return pack.documents.map { d in
        defer { n += d.pages.count }
        return n
    }
}
