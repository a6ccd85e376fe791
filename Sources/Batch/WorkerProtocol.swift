import Foundation
import Rules

#if canImport(Glibc)
    import Glibc
#endif

// The batch's worker processes: how the coordinator (`BatchRun`) and a worker (`certpack batch-worker`)
// talk. One JSON object per line: the coordinator sends a `WorkerSetup`, then one `WorkerChunk` at a
// time, then closes the worker's input; the worker answers a `WorkerReply` per pack and one per chunk.

/// What a worker needs besides its templates and fonts (which it loads itself, from the same folders).
public struct WorkerSetup: Codable, Sendable {
    /// Where the packs go.
    public var output: String
    /// Where the parts of 全部打印.pdf go (a private folder of the run).
    public var parts: String
    public var overwrite: Bool
    public var resume: Bool
}

/// One pack to make.
public struct WorkerJob: Codable, Sendable {
    public var index: Int
    public var application: Application
}

/// Consecutive packs, made by one process, and drawn together into one part of 全部打印.pdf.
public struct WorkerChunk: Codable, Sendable {
    public var number: Int
    public var packs: [WorkerJob]
}

/// What became of a pack (`index`: the pages written and the summary's figures of its checklist, or
/// why not), or of a chunk's part (`chunk`).
public struct WorkerReply: Codable, Sendable {
    public var index: Int?
    public var pages: Int?
    public var error: String?
    public var chunk: Int?
    public var partPages: Int?
    public var partError: String?
    /// The pack's figures for 汇总, from the checklist the worker laid it out with (the coordinator
    /// does not make the checklist a second time).
    public var figures: PackFigures?
}

/// Lines from a file descriptor, read in blocks.
final class LineReader {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var ended = false

    init(fd: Int32) { self.fd = fd }

    /// The next line without its newline; nil at the end of input.
    func next() -> Data? {
        while true {
            if let nl = buffer[start...].firstIndex(of: 0x0A) {
                let line = Data(buffer[start..<nl])
                start = nl + 1
                if start > 65536 {
                    buffer.removeFirst(start)
                    start = 0
                }
                return line
            }
            if ended { return nil }
            var block = [UInt8](repeating: 0, count: 65536)
            let n = block.withUnsafeMutableBytes { read(fd, $0.baseAddress, 65536) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                ended = true
                continue
            }
            buffer.append(contentsOf: block[0..<n])
        }
    }
}

/// Writes `data` and a newline; false when the other end is closed.
@discardableResult
func writeLine(_ fd: Int32, _ data: Data) -> Bool {
    var bytes = [UInt8](data)
    bytes.append(0x0A)
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return false }
        done += n
    }
    return true
}
