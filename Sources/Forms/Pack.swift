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

    public var description: String {
        switch self {
        case let .exists(path): "\(path) already exists; not overwriting it (use --force to replace it)"
        case let .io(path, detail): "\(path): \(detail)"
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

    /// Every page in print order.
    public var pages: [Page] { documents.flatMap(\.pages) }

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
        return Pack(application: app, checklist: checklist, documents: documents,
                    markdown: ChecklistText.render(checklist, style: .markdown))
    }

    /// Builds the pack and writes it: nothing is written (not even the folder) when layout fails.
    @discardableResult
    public static func fill(application: Application, catalog: Catalog, fonts: FontBook, library: FormLibrary,
                            into root: URL, overwrite: Bool, date: CivilDate? = nil) throws -> PackFiles {
        try build(application: application, catalog: catalog, fonts: fonts, library: library, date: date)
            .write(into: root, fonts: fonts, overwrite: overwrite)
    }

    /// Writes `申请材料.pdf` and `清单.md` into `<root>/<folderName>/`. Without `overwrite`, refuses when
    /// the PDF is already there. Each file is written under a temporary name (owner-only) and renamed
    /// into place, so an interrupted write leaves no partial file.
    /// - Parameter faces: the faces a batch prepared for all its packs; nil cuts subsets for this pack alone.
    @discardableResult
    public func write(into root: URL, fonts: FontBook, overwrite: Bool, faces: PreparedFaces? = nil) throws -> PackFiles {
        let folder = root.appendingPathComponent(folderName, isDirectory: true)
        let pdf = folder.appendingPathComponent("申请材料.pdf")
        let md = folder.appendingPathComponent("清单.md")
        let fm = FileManager.default
        if !overwrite && (fm.fileExists(atPath: pdf.path) || fm.fileExists(atPath: md.path)) {
            throw PackError.exists(fm.fileExists(atPath: pdf.path) ? pdf.path : md.path)
        }
        do {
            try fm.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw PackError.io(folder.path, "cannot create the folder: \(error.localizedDescription)")
        }
        let org = application.organization
        let writer = try PDFWriter(url: pdf, metadata: PDFMetadata(
            title: "申请材料 — \(org.name)", author: "CertPack", subject: "深圳医保在线签约数字证书 \(application.service.label)"), fonts: fonts,
            embedding: faces.map { .prepared($0) } ?? .subsets(for: pages))
        try writer.add(contentsOf: pages)
        try writer.finish()
        try AtomicFile.write(Data(markdown.utf8), to: md)
        return PackFiles(folder: folder, pdf: pdf, checklist: md, pageCount: writer.pageCount)
    }

    /// Writes one PNG per page (`page-01.png`, …) into `folder`, from the same pages as the PDF.
    public func writePreviews(into folder: URL, dpi: Double, fonts: FontBook) throws -> [URL] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
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
