import FileOutput
import Foundation
import Rules
import Typeset

#if canImport(Glibc)
    import Glibc
#endif

// Writing a pack laid out by `Pack.build`: its folder, its three files (申请材料.pdf, 清单.md, the row
// digest), each whole or not at all, never through a symlink; and its PNG previews.

/// What goes wrong writing a pack.
public enum PackError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The pack exists and overwriting was not asked for.
    case exists(String)
    case io(String, String)
    /// The pack's folder (or a file in it) is a symlink: never written through.
    case symlink(String)

    public var description: String {
        switch self {
        case let .exists(path): "\(path) already exists; not overwriting it (use --force to replace it)"
        case let .io(path, detail): "\(path): \(detail)"
        case let .symlink(path): "\(path)：是一个符号链接；为安全起见，不经由符号链接写入申请材料（请删除该链接或换一个输出目录）"
        }
    }
}

/// Where a written pack went.
public struct PackFiles: Sendable {
    public var folder: URL
    public var pdf: URL
    public var checklist: URL
    public var pageCount: Int

    public init(folder: URL, pdf: URL, checklist: URL, pageCount: Int) {
        self.folder = folder
        self.pdf = pdf
        self.checklist = checklist
        self.pageCount = pageCount
    }
}

extension Pack {
    /// Builds the pack and writes it: nothing is written (not even the folder) when layout fails.
    @discardableResult
    public static func fill(
        application: Application, catalog: Catalog, fonts: FontBook, library: FormLibrary,
        into root: URL, overwrite: Bool, date: CivilDate? = nil
    ) throws -> PackFiles {
        try build(application: application, catalog: catalog, fonts: fonts, library: library, date: date)
            .write(into: root, fonts: fonts, overwrite: overwrite)
    }

    /// The hidden file beside a pack holding the `RowDigest` of the data it was made from.
    public static let digestName = ".certpack-row"

    /// Writes `申请材料.pdf`, `清单.md` and the row digest into `<root>/<folderName>/`. Without
    /// `overwrite`, refuses when the PDF or the checklist is already there.
    ///
    /// Every file is written under a private temporary name (owner-only) and renamed into place only
    /// once all of them are written and the PDF is checked whole; on any failure the temporaries are
    /// removed and a folder this call created is removed again: the folder is left as it was. A pack
    /// folder that is a symlink is refused, and so is writing through one.
    /// - Parameter faces: the faces a batch prepared for all its packs; nil cuts subsets for this pack alone.
    @discardableResult
    public func write(into root: URL, fonts: FontBook, overwrite: Bool, faces: PreparedFaces? = nil) throws -> PackFiles {
        try prepare(into: root, fonts: fonts, overwrite: overwrite, faces: faces).commit()
    }

    /// Draws the pack and writes its files under temporary names in its folder, as `write` does, but
    /// leaves syncing and renaming them to `PendingPackFiles.commit()` — which a batch runs on another
    /// thread while this one draws the next pack (a sync waits for the disk; drawing needs the core).
    /// - Parameter keepingBytes: keep the PDF's bytes (`PendingPackFiles.pdfBytes`) for 全部打印.pdf.
    public func prepare(
        into root: URL, fonts: FontBook, overwrite: Bool, faces: PreparedFaces? = nil,
        keepingBytes: Bool = false
    ) throws -> PendingPackFiles {
        let folder = root.appendingPathComponent(folderName, isDirectory: true)
        let pdf = folder.appendingPathComponent("申请材料.pdf")
        let md = folder.appendingPathComponent("清单.md")
        let digest = folder.appendingPathComponent(Self.digestName)
        let existed: Bool
        switch Self.kind(of: folder.path) {
        case S_IFLNK: throw PackError.symlink(folder.path)
        case S_IFDIR: existed = true
        case 0: existed = false
        default: throw PackError.io(folder.path, "已有同名的文件（不是文件夹）；请移走它或换一个输出目录")
        }
        if existed {
            for f in [pdf, md, digest] where Self.kind(of: f.path) == S_IFLNK { throw PackError.symlink(f.path) }
            if !overwrite, let there = [pdf, md].first(where: { Self.kind(of: $0.path) != 0 }) { throw PackError.exists(there.path) }
        } else if (try? OutputFolder.makeFolders(root.path)) == nil || mkdir(folder.path, 0o700) != 0 {
            throw OutputError(path: folder.path, code: errno)
        }
        do {
            let files = try writeFiles(fonts: fonts, faces: faces, pdf: pdf, md: md, digest: digest, keepingBytes: keepingBytes)
            return PendingPackFiles(
                folder: folder, pdf: files.pdf, checklist: files.checklist, digest: files.digest,
                existed: existed, pageCount: files.pageCount)
        } catch {
            // The temporaries are gone with their files (dropped uncommitted); a folder made here goes too.
            if !existed { rmdir(folder.path) }
            throw error
        }
    }

    private func writeFiles(
        fonts: FontBook, faces: PreparedFaces?, pdf: URL, md: URL, digest: URL,
        keepingBytes: Bool
    ) throws -> (pdf: AtomicFile, checklist: AtomicFile, digest: AtomicFile, pageCount: Int) {
        let org = application.organization
        let writer = try PDFWriter(
            url: pdf,
            metadata: PDFMetadata(
                title: "申请材料 — \(org.name)", author: "CertPack", subject: "深圳医保在线签约数字证书 \(application.service.label)"), fonts: fonts,
            embedding: faces.map { .prepared($0) } ?? .subsets(for: pages), keepingBytes: keepingBytes)
        try writer.add(contentsOf: pages)
        let pdfFile = try writer.finishUncommitted()
        let checklist = try AtomicFile(md)
        try checklist.write(Data(markdown.utf8))
        let row = try AtomicFile(digest)
        try row.write(Data((RowDigest.of(application) + "\n").utf8))
        return (pdfFile, checklist, row, writer.pageCount)
    }

    /// True when `<root>/<folderName>/` holds this pack whole, made from this very application:
    /// the PDF (ending with its trailer) and the checklist are there as regular files and the row
    /// digest matches. What `batch --resume` keeps.
    public func isComplete(in root: URL) -> Bool {
        let folder = root.appendingPathComponent(folderName, isDirectory: true)
        guard Self.kind(of: folder.path) == S_IFDIR else { return false }
        let pdf = folder.appendingPathComponent("申请材料.pdf").path
        let md = folder.appendingPathComponent("清单.md").path
        guard Self.kind(of: pdf) == S_IFREG, Self.kind(of: md) == S_IFREG,
            let digest = try? InputFile.readText(folder.appendingPathComponent(Self.digestName), limit: 1024),
            digest.trimmingCharacters(in: .whitespacesAndNewlines) == RowDigest.of(application),
            let handle = FileHandle(forReadingAtPath: pdf)
        else { return false }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 32 ? size - 32 : 0)
        let end = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        return end.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("%%EOF")
    }

    /// The file type of `path` without following a symlink (`S_IFDIR`, `S_IFLNK`…), 0 when nothing is there.
    static func kind(of path: String) -> mode_t {
        var st = stat()
        return lstat(path, &st) == 0 ? st.st_mode & S_IFMT : 0
    }

    /// Writes one PNG per page (`page-01.png`, …) into `folder`, from the same pages as the PDF.
    public func writePreviews(into folder: URL, dpi: Double, fonts: FontBook) throws -> [URL] {
        try OutputFolder.makeFolders(folder.path)
        let all = pages
        let digits = max(2, String(all.count).count)
        var urls: [URL] = []
        for (n, page) in all.enumerated() {
            let number = String(n + 1)
            let url = folder.appendingPathComponent("page-" + String(repeating: "0", count: digits - number.count) + number + ".png")
            try PNGWriter.write(page, to: url, dpi: dpi, fonts: fonts)
            urls.append(url)
        }
        return urls
    }
}

/// A pack drawn and written under temporary names in its folder (`Pack.prepare`); nothing of it is
/// visible until `commit()`. Dropped uncommitted, its temporaries are removed, and so is a folder
/// made for it. Used by one thread at a time (it may be handed to another).
public final class PendingPackFiles: @unchecked Sendable {
    public let folder: URL
    public let pageCount: Int
    private let pdf: AtomicFile, checklist: AtomicFile, digest: AtomicFile
    private let existed: Bool
    private var settled = false

    init(folder: URL, pdf: AtomicFile, checklist: AtomicFile, digest: AtomicFile, existed: Bool, pageCount: Int) {
        self.folder = folder
        self.pdf = pdf
        self.checklist = checklist
        self.digest = digest
        self.existed = existed
        self.pageCount = pageCount
    }

    /// The PDF's bytes, when prepared `keepingBytes`.
    public var pdfBytes: [UInt8]? { pdf.keptBytes }

    /// Syncs the files and renames them into place: the PDF first, the row digest last (it vouches
    /// for the rest), the folder synced once after. On failure the folder is left as it was: a new
    /// one goes away with anything renamed into it; in an old one the digest is already gone, so a
    /// half-replaced pack is never taken for complete.
    @discardableResult
    public func commit() throws -> PackFiles {
        precondition(!settled, "a pack's files are committed once")
        settled = true
        var renamed = false
        do {
            try checklist.seal()
            try digest.seal()
            // An old digest is moved aside while the PDF is replaced, and put back if the new PDF
            // cannot be renamed into place.
            let digestPath = digest.url.path
            let aside = folder.path + "/." + Pack.digestName + AtomicFile.marker + "\(getpid())-old"
            let stashed = existed && rename(digestPath, aside) == 0
            do { try pdf.commit(syncingFolder: false) } catch {
                if stashed { rename(aside, digestPath) }
                throw error
            }
            renamed = true
            if stashed { unlink(aside) }
            try checklist.commit(syncingFolder: false)
            try digest.commit()
            return PackFiles(folder: folder, pdf: pdf.url, checklist: checklist.url, pageCount: pageCount)
        } catch {
            if !existed {
                if renamed { for f in [pdf, checklist, digest] { unlink(f.url.path) } }
                discardTemporaries()
                rmdir(folder.path)
            }
            throw error
        }
    }

    /// Removes the uncommitted temporaries now (their files would otherwise go only when this is freed).
    private func discardTemporaries() {
        for f in [pdf, checklist, digest] { f.discard() }
    }

    deinit {
        if !settled && !existed {
            discardTemporaries()
            rmdir(folder.path)
        }
    }
}
