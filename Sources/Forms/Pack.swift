import Foundation
import Rules
import Typeset

/// One document of a pack: its pages, laid out.
public struct PackDocument: Sendable {
    /// The template's title, e.g. 单位数字证书申请表.
    public var title: String
    public var kind: FormTemplate.Kind
    /// For authorisation letters: the person.
    public var person: Person?
    public var pages: [Page]
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
    public static func build(
        application: Application, catalog: Catalog, fonts: FontBook, library: FormLibrary,
        date: CivilDate? = nil, time: String? = nil, office: String? = nil
    ) throws -> Pack {
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
        documents.append(
            PackDocument(
                title: cover.title, kind: .cover, person: nil,
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
                let pages = try FormRenderer(template: cover, fonts: fonts, context: FieldContext(application: app, checklist: listed, request: nil))
                    .render()
                if pages.count == documents[0].pages.count {
                    documents[0].pages = pages
                    break
                }
                documents[0].pages = pages
            }
        }
        return Pack(
            application: app, checklist: listed, documents: documents,
            markdown: ChecklistText.render(listed, style: .markdown), copies: copies)
    }

    /// One document of the pack alone (the first the checklist asks for of `kind`), laid out as
    /// `build` lays it out.
    public static func document(_ kind: FormTemplate.Kind, checklist: Checklist, fonts: FontBook, library: FormLibrary) throws -> [Page] {
        var context = FieldContext(application: checklist.application, checklist: checklist, request: nil)
        context.request = checklist.forms.first { $0.form == kind.formKind }
        return try FormRenderer(template: library.template(kind), fonts: fonts, context: context).render()
    }

    /// `<统一社会信用代码>-<单位名称>` with path separators, control characters and characters Windows
    /// forbids replaced by `_`, no leading dot, at most 80 characters.
    public static func folderName(for org: Organization) -> String {
        sanitize("\(org.uscc)-\(org.name)")
    }

    public static func sanitize(_ name: String) -> String {
        let forbidden = Set("/\\:*?\"<>|")
        var out = String(
            name.unicodeScalars.map { s -> Character in
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
