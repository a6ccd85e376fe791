import Foundation

/// A fresh empty folder under the system's temporary folder.
func temporaryFolder(_ tag: String = "files") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("certpack-\(tag)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
