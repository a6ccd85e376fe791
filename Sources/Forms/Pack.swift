import Foundation
import Rules
import Typeset

/// The form templates of `Templates/forms/`, loaded and validated once, shared by every thread.
public struct FormLibrary: Sendable {
    public var templates: [FormTemplate.Kind: FormTemplate]

    public init(templates: [FormTemplate.Kind: FormTemplate]) { self.templates = templates }

    /// Loads every `*.yaml` in `folder` (`Templates/forms`); each kind must be there exactly once.
    public static func load(folder: URL) throws -> FormLibrary {
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
                .filter { ["yaml", "yml"].contains($0.pathExtension.lowercased()) }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            throw TemplateError(file: folder.path, line: nil, message: "cannot list the form templates: \(error.localizedDescription)")
        }
        var templates: [FormTemplate.Kind: FormTemplate] = [:]
        for url in files {
            let shown = "Templates/forms/" + url.lastPathComponent
            let t = try TemplateLoader.load(url: url, displayName: shown)
            if let other = templates[t.kind] {
                throw TemplateError(file: shown, line: nil, message: "a second template of kind \(t.kind.rawValue) (the first is \(other.file))")
            }
            templates[t.kind] = t
        }
        for kind in FormTemplate.Kind.allCases where templates[kind] == nil {
            throw TemplateError(file: folder.path, line: nil, message: "no template of kind \(kind.rawValue)")
        }
        return FormLibrary(templates: templates)
    }

    /// `Templates/forms` inside a templates folder.
    public static func load(templates: URL) throws -> FormLibrary {
        try load(folder: templates.appendingPathComponent("forms"))
    }

    public func template(_ kind: FormTemplate.Kind) -> FormTemplate { templates[kind]! }
}

/// One document of a pack: its pages, laid out.
public struct PackDocument: Sendable {
    /// The template's title, e.g. 单位数字证书申请表.
    public var title: String
    public var kind: FormTemplate.Kind
    /// For authorisation letters: the person.
    public var person: Person?
    public var pages: [Page]
}

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
}

/// A pack laid out whole: the cover sheet and the forms the checklist calls for, in print order, plus
/// the checklist as markdown. Building is pure (values in, values out; the FontBook is shared and
/// thread-safe), so many packs may be built at once on different threads.
public struct Pack: Sendable {
    public var application: Application
    public var checklist: Checklist
    public var documents: [PackDocument]
    /// 清单.md
    public var markdown: String
    /// The copy pages made from the applicant's pictures (`CopyPages`), after the forms.
    public var copies: [CopyDocument] = []

    /// Every page in print order.
    public var pages: [Page] { documents.flatMap(\.pages) + copies.flatMap(\.pages) }

    /// `<统一社会信用代码>-<单位名称>`, safe as a file name.
    public var folderName: String { Pack.folderName(for: application.organization) }

    /// Lays out the pack of `application`. Errors (a value that does not fit, a character no font has)
    /// surface here, before any file is opened.
    /// - Parameter date: the visit date for the checklist; defaults to the application's `visit.date`
    ///   (never "today", so the same input gives the same pack).
    public static func build(application: Application, catalog: Catalog, fonts: FontBook, library: FormLibrary,
                             date: CivilDate? = nil, time: String? = nil, office: String? = nil) throws -> Pack {
        let checklist = try Checklist.make(for: application, catalog: catalog, date: date, time: time, office: office)
        return try build(checklist: checklist, fonts: fonts, library: library)
    }

    /// Lays out the pack for a checklist already made.
    public static func build(checklist: Checklist, fonts: FontBook, library: FormLibrary) throws -> Pack {
        let app = checklist.application
        try Printable.check(app, fonts: fonts)
        var documents: [PackDocument] = []
        let base = FieldContext(application: app, checklist: checklist, request: nil)
        let cover = library.template(.cover)
        documents.append(PackDocument(title: cover.title, kind: .cover, person: nil,
                                      pages: try FormRenderer(template: cover, fonts: fonts, context: base).render()))
        for request in checklist.forms {
            guard let kind = FormTemplate.Kind.allCases.first(where: { $0.formKind == request.form }) else { continue }
            let template = library.template(kind)
            var ctx = base
            ctx.request = request
            let pages = try FormRenderer(template: template, fonts: fonts, context: ctx).render()
            documents.append(PackDocument(title: template.title, kind: kind, person: request.person, pages: pages))
        }
        let copies = try CopyPages.build(checklist: checklist, fonts: fonts)
        var listed = checklist
        if !copies.isEmpty {
            // The cover names the copy pages by number: laid out again once the pages before them are counted.
            for _ in 0..<2 {
                listed = CopyPages.numbering(checklist, copies: copies, firstPage: documents.reduce(1) { $0 + $1.pages.count })
                let pages = try FormRenderer(template: cover, fonts: fonts, context: FieldContext(application: app, checklist: listed, request: nil)).render()
                if pages.count == documents[0].pages.count { documents[0].pages = pages; break }
                documents[0].pages = pages
            }
        }
        return Pack(application: app, checklist: listed, documents: documents,
                    markdown: ChecklistText.render(listed, style: .markdown), copies: copies)
    }

    /// One document of the pack alone (the first the checklist asks for of `kind`), laid out as
    /// `build` lays it out.
    public static func document(_ kind: FormTemplate.Kind, checklist: Checklist, fonts: FontBook, library: FormLibrary) throws -> [Page] {
        var context = FieldContext(application: checklist.application, checklist: checklist, request: nil)
        context.request = checklist.forms.first { $0.form == kind.formKind }
        return try FormRenderer(template: library.template(kind), fonts: fonts, context: context).render()
    }

    /// Builds the pack and writes it: nothing is written (not even the folder) when layout fails.
    @discardableResult
    public static func fill(application: Application, catalog: Catalog, fonts: FontBook, library: FormLibrary,
                            into root: URL, overwrite: Bool, date: CivilDate? = nil) throws -> PackFiles {
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
    public func prepare(into root: URL, fonts: FontBook, overwrite: Bool, faces: PreparedFaces? = nil,
                        keepingBytes: Bool = false) throws -> PendingPackFiles {
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
            return PendingPackFiles(folder: folder, pdf: files.pdf, checklist: files.checklist, digest: files.digest,
                                    existed: existed, pageCount: files.pageCount)
        } catch {
            // The temporaries are gone with their files (dropped uncommitted); a folder made here goes too.
            if !existed { rmdir(folder.path) }
            throw error
        }
    }

    private func writeFiles(fonts: FontBook, faces: PreparedFaces?, pdf: URL, md: URL, digest: URL,
                            keepingBytes: Bool) throws -> (pdf: AtomicFile, checklist: AtomicFile, digest: AtomicFile, pageCount: Int) {
        let org = application.organization
        let writer = try PDFWriter(url: pdf, metadata: PDFMetadata(
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
        let pdf = folder.appendingPathComponent("申请材料.pdf").path, md = folder.appendingPathComponent("清单.md").path
        guard Self.kind(of: pdf) == S_IFREG, Self.kind(of: md) == S_IFREG,
              let digest = try? InputFile.readText(folder.appendingPathComponent(Self.digestName), limit: 1024),
              digest.trimmingCharacters(in: .whitespacesAndNewlines) == RowDigest.of(application),
              let handle = FileHandle(forReadingAtPath: pdf) else { return false }
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

    /// `<统一社会信用代码>-<单位名称>` with path separators, control characters and characters Windows
    /// forbids replaced by `_`, no leading dot, at most 80 characters.
    public static func folderName(for org: Organization) -> String {
        sanitize("\(org.uscc)-\(org.name)")
    }

    public static func sanitize(_ name: String) -> String {
        let forbidden = Set("/\\:*?\"<>|")
        var out = String(name.unicodeScalars.map { s -> Character in
            if s.properties.generalCategory == .control || s.properties.generalCategory == .format { return "_" }
            if forbidden.contains(Character(s)) { return "_" }
            if s.properties.isWhitespace { return "_" }
            return Character(s)
        })
        while out.hasPrefix(".") { out.removeFirst() }
        out = String(out.prefix(80))
        while out.hasSuffix(".") || out.hasSuffix("_") { out.removeLast() }
        return out.isEmpty ? "pack" : out
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
        self.folder = folder; self.pdf = pdf; self.checklist = checklist; self.digest = digest
        self.existed = existed; self.pageCount = pageCount
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
