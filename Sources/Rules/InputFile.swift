import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reading an input file (applicant data, batch, catalog, form template) safely: only a regular file
/// (never a device or a FIFO, which would block or never end) and only up to a size limit, checked
/// before a byte is read, so a huge file cannot take the machine's memory.
public enum InputFile {
    /// Catalog, holidays, a form template, one application.
    public static let templateLimit = 10 * 1024 * 1024
    /// A batch (CSV, YAML or JSON list).
    public static let batchLimit = 50 * 1024 * 1024

    /// Why an input file was refused; `description` is the message for the user.
    public struct Refusal: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var reason: String
        public var description: String { "\(path)：\(reason)" }
    }

    /// The one safe open every input path goes through: a descriptor on the regular file at `url` and
    /// its size, refused before a byte is read when it is not a regular file (a FIFO must not hang the
    /// open nor a read) or larger than `limit`. The caller closes the descriptor.
    static func openRegular(_ url: URL, limit: Int) throws -> (fd: Int32, size: Int) {
        let path = url.path
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)  // O_NONBLOCK: a FIFO must not hang the open
        guard fd >= 0 else {
            let e = errno
            throw Refusal(
                path: path,
                reason: e == ENOENT
                    ? "找不到这个文件，请检查路径" : e == EACCES ? "没有读取权限" : e == EISDIR ? "这是一个文件夹，不是文件" : "无法读取（\(String(cString: strerror(e)))）")
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            close(fd)
            throw Refusal(path: path, reason: "无法读取（\(String(cString: strerror(errno)))）")
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR:
            close(fd)
            throw Refusal(path: path, reason: "这是一个文件夹，不是文件")
        default:
            close(fd)
            throw Refusal(path: path, reason: "不是普通文件（设备、管道或套接字），不读取")
        }
        guard Int(st.st_size) <= limit else {
            close(fd)
            throw Refusal(path: path, reason: "文件太大（\(megabytes(Int(st.st_size)))，上限 \(megabytes(limit))）；请检查是否选错了文件")
        }
        _ = fcntl(fd, F_SETFL, 0)  // back to blocking reads
        return (fd, Int(st.st_size))
    }

    /// The size of the regular file at `url` (see `openRegular`): for readers that open the file by
    /// its path afterwards (a zip library), so that they only ever meet a regular file within the limit.
    @discardableResult
    public static func check(_ url: URL, limit: Int) throws -> Int {
        let (fd, size) = try openRegular(url, limit: limit)
        close(fd)
        return size
    }

    /// The first `count` bytes of the regular file at `url` (fewer when it is shorter): for sniffing a format.
    public static func head(_ url: URL, count: Int, limit: Int) throws -> Data {
        let (fd, _) = try openRegular(url, limit: limit)
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + got, count - got) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            got += n
        }
        return Data(buffer[0..<got])
    }

    /// The bytes of the regular file at `url`, at most `limit` of them.
    public static func read(_ url: URL, limit: Int) throws -> Data {
        let path = url.path
        let (fd, size) = try openRegular(url, limit: limit)
        defer { close(fd) }
        var data = Data(capacity: size)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw Refusal(path: path, reason: "读取出错（\(String(cString: strerror(errno)))）") }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
            // The file grew while being read: still never more than the limit.
            if data.count > limit { throw Refusal(path: path, reason: "文件太大（超过上限 \(megabytes(limit))）") }
        }
        return data
    }

    /// The file as UTF-8 text (see `read`).
    public static func readText(_ url: URL, limit: Int = templateLimit) throws -> String {
        let data = try read(url, limit: limit)
        guard let text = String(data: data, encoding: .utf8) else {
            throw Refusal(path: url.path, reason: "不是 UTF-8 编码的文本；请另存为 UTF-8")
        }
        return text
    }

    static func megabytes(_ n: Int) -> String {
        n >= 1024 * 1024 ? String(format: "%.0f MB", Double(n) / 1048576) : "\(n) 字节"
    }
}
