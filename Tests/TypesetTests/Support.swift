import Foundation

@testable import Typeset

/// The repository root, found from this file's path.
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The default font book, loaded once for all tests (as the program does once per process).
let fonts: FontBook = try! FontBook.load(fontsFolder: repoRoot.appendingPathComponent("Fonts"))

/// Runs a command-line tool and returns its standard output (and exit status).
@discardableResult
func run(_ tool: String, _ args: [String]) throws -> (out: String, status: Int32) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [tool] + args
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = Pipe()
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (String(decoding: data, as: UTF8.self), p.terminationStatus)
}

func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-typeset-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The text of every line a wrapped string is broken into.
func wrappedLines(_ text: String, widthInEms: Double) throws -> [String] {
    let shaped = try shape(text, role: .serif, fonts: fonts, owner: "test")
    return wrap(shaped, lineWidth: widthInEms).map { line in
        String(String.UnicodeScalarView(shaped.scalars[line.start..<line.end]))
    }
}

/// The glyph runs of a page.
func runs(_ page: Page) -> [GlyphRun] {
    page.items.compactMap { if case let .glyphs(run) = $0 { run } else { nil } }
}
