import Foundation
import Rules
import Typeset

/// Why a form could not be laid out for reasons of the template itself (a row taller than a page, a
/// tick row wider than its cell). Text that does not fit or has no glyph is a `TypesetError`.
public struct LayoutError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int
    public var message: String
    public var description: String { "\(file):\(line): \(message)" }
}

/// The typographic constants of our forms (sizes are the template's unless it gives none).
enum Look {
    static let labelFill = 0.93
    static let cellLine = 0.6
    static let frameLine = 1.0
    static let textSize = 10.5
    static let valueInset = 4.0
    /// Space kept clear above and below a value in its cell.
    static let valuePad = 1.5
    /// Extra air in a row grown to hold a wrapped value, so its lines do not touch the rules.
    static let growPad = 4.0
    static let labelInset = 3.0
    static let tickSide = 9.0
    static let placeholderGray = 0.45
}

/// Lays a template out with a field context into pages: the same code for the PDF and the PNGs.
struct FormRenderer {
    let template: FormTemplate
    let fonts: FontBook
    var context: FieldContext

    /// The pages of this form, once per copy mark (两联: the same body, the mark differs).
    func render() throws -> [Page] {
        var flow = Flow(template: template, fonts: fonts)
        var body = BodyLayout(template: template, context: context, flow: flow)
        try body.run()
        flow = body.flow
        let marks = template.copyMarks.isEmpty ? [""] : template.copyMarks
        var pages: [Page] = []
        for mark in marks {
            var ctx = context
            ctx.copyMark = mark
            ctx.pageCount = flow.builders.count
            for (n, builder) in flow.builders.enumerated() {
                var b = builder
                ctx.pageNumber = n + 1
                try decorate(&b, context: ctx)
                pages.append(b.page)
            }
        }
        return pages
    }

    var formName: String { template.title }

    /// Project line, title, copy mark and footer.
    private func decorate(_ b: inout PageBuilder, context ctx: FieldContext) throws {
        let m = template.margins
        let left = m.left
        let width = b.page.size.width - m.left - m.right
        let top = m.top
        try b.text(
            template.project, in: Rect(x: left, y: top, width: width, height: 14),
            style: TextStyle(role: .serif, size: 10, align: .center, gray: 0.2), owner: "\(formName) › project")
        let title = ctx.pageNumber > 1 ? template.title + template.continuation : template.title
        try b.text(
            title, in: Rect(x: left + 90, y: top + 15, width: width - 180, height: 26),
            style: TextStyle(role: .sans, size: 18, minSize: 12, align: .center, wraps: false), owner: "\(formName) › title")
        if !ctx.copyMark.isEmpty {
            let style = TextStyle(role: .serif, size: 9.5, align: .center)
            let w = try b.measure(ctx.copyMark, style: style, owner: "\(formName) › copy mark") + 10
            let box = Rect(x: left + width - w, y: top + 1, width: w, height: 15)
            b.rect(box, width: 0.6)
            try b.text(ctx.copyMark, in: box, style: style, owner: "\(formName) › copy mark")
        }
        let fy = b.page.size.height - m.bottom + 6
        b.line(from: Point(left, fy - 3), to: Point(left + width, fy - 3), width: 0.4)
        let small = TextStyle(role: .serif, size: 8.5, minSize: 7, wraps: false, gray: 0.25)
        var rightStyle = small
        rightStyle.align = .right
        let leftText = try Self.elided(template.footerLeft, context: ctx, width: width * 0.72, style: small, builder: b)
        try b.text(
            leftText, in: Rect(x: left, y: fy, width: width * 0.72, height: 12),
            style: small, owner: "\(formName) › footer (\(ctx.application.organization.name))")
        let rightText = try Self.elided(template.footerRight, context: ctx, width: width * 0.28, style: rightStyle, builder: b)
        try b.text(
            rightText, in: Rect(x: left + width * 0.72, y: fy, width: width * 0.28, height: 12),
            style: rightStyle, owner: "\(formName) › footer")
    }

    /// A footer is one line that only helps to re-sort loose pages: rather than refuse a long value, it
    /// shrinks to its floor and then shortens its longest field values in the middle (深圳市南山区…分公司)
    /// until the line fits `width`. The forms themselves carry every value in full.
    static func elided(
        _ interp: Interpolation, context ctx: FieldContext, width: Double, style: TextStyle,
        builder b: PageBuilder
    ) throws -> String {
        var values: [Int: [Character]] = [:]
        for (i, part) in interp.parts.enumerated() {
            if case let .field(f) = part { values[i] = Array(Fields.value(f, in: ctx)) }
        }
        var keep = values.mapValues(\.count)
        func render() -> String {
            interp.parts.enumerated().map { i, part -> String in
                switch part {
                case let .literal(s): return s
                case .field:
                    let chars = values[i]!
                    let k = keep[i]!
                    guard k < chars.count else { return String(chars) }
                    let head = (k + 1) / 2
                    return String(chars[..<head]) + "…" + String(chars[(chars.count - (k - head))...])
                }
            }.joined()
        }
        var text = render()
        for _ in 0..<64 {
            let w = try b.measure(text, style: style, owner: "footer") * style.minSize / style.size
            if w <= width - 2 * style.inset + 1e-6 { break }
            // Shorten the longest value by about the overflow (at least one character, and room for the …).
            guard let (i, k) = keep.filter({ $0.value > 6 }).max(by: { ($0.value, $1.key) < ($1.value, $0.key) }) else { break }
            let over = Int(((w - width + 2 * style.inset) / style.minSize).rounded(.up))
            keep[i] = max(6, k - max(1, over) - (k == values[i]!.count ? 1 : 0))
            text = render()
        }
        return text
    }
}

/// Pages being filled top to bottom.
struct Flow {
    let template: FormTemplate
    let fonts: FontBook
    var builders: [PageBuilder] = []
    var y: Double = 0
    /// Where the body starts below the project line and title.
    var bodyTop: Double { template.margins.top + 50 }
    var bottom: Double { Size.a4.height - template.margins.bottom }
    var left: Double { template.margins.left }
    var width: Double { Size.a4.width - template.margins.left - template.margins.right }

    init(template: FormTemplate, fonts: FontBook) {
        self.template = template
        self.fonts = fonts
        newPage()
    }

    mutating func newPage() {
        builders.append(PageBuilder(fonts: fonts))
        y = bodyTop
    }

    var atTop: Bool { y <= bodyTop + 0.01 }
    func fits(_ h: Double) -> Bool { y + h <= bottom + 0.01 }
    var page: Int { builders.count - 1 }

    /// Moves to a new page unless `h` fits; false when it cannot fit even on an empty page.
    mutating func make(room h: Double) -> Bool {
        if fits(h) { return true }
        if !atTop { newPage() }
        return fits(h)
    }

    /// Draws on the current page.
    @discardableResult
    mutating func draw<T>(_ body: (inout PageBuilder) throws -> T) rethrows -> T {
        try body(&builders[builders.count - 1])
    }
}

/// How tall a row must be, and which value made it grow (to name it when even a page is too short).
struct Growth {
    var height: Double
    var owner = "", text = "", width = 0.0, floor = 7.0

    mutating func grow(to h: Double, owner: String, text: String, width: Double, floor: Double) {
        guard h > height else { return }
        self = Growth(height: h, owner: owner, text: text, width: width, floor: floor)
    }

    /// A value so long that its row is taller than a page: the same error as a value too long for a fixed cell.
    func refuse(room: Double) throws {
        guard !owner.isEmpty else { return }
        throw TypesetError.overflow(
            owner: owner, text: text, overflow: height - room, box: Rect(x: 0, y: 0, width: width, height: room), floorSize: floor)
    }
}

/// A stretch of something drawn on one page, for frames and group headings drawn after their rows.
struct Segment {
    var page: Int
    var y0: Double
    var y1: Double
}

/// Walks the template's blocks, binding fields and placing them on the flow.
struct BodyLayout {
    let template: FormTemplate
    var context: FieldContext
    var flow: Flow

    var formName: String { template.title }
    var fonts: FontBook { flow.fonts }

    mutating func run() throws {
        for (n, block) in template.blocks.enumerated() {
            switch block {
            case let .grid(g): try grid(g)
            case let .paragraph(p): try paragraph(p)
            case let .table(t): try table(t)
            case let .spacer(h):
                if n > 0 && !flow.atTop { flow.y = min(flow.y + h, flow.bottom) }
            }
        }
    }

    func visible(_ c: Condition) -> Bool {
        if let s = c.services, !s.contains(context.service) { return false }
        return c.present.allSatisfy { !Fields.value($0, in: context).isBlank }
    }

    /// `单位数字证书申请表 › organization.name (深圳市…)`: the form, the field, whose value it is.
    func owner(_ what: String, fieldPath: String? = nil) -> String {
        let path = fieldPath ?? what
        var who = context.application.organization.name
        if path.hasPrefix("holder."), case let .holder(p)? = context.row { who = "\(p.name), \(who)" }
        if path.hasPrefix("person."), let p = context.request?.person { who = "\(p.name), \(who)" }
        if path.hasPrefix("legalRepresentative.") { who = "\(context.application.legalRepresentative.name), \(who)" }
        if path.hasPrefix("handler.") { who = "\(context.application.handler.name), \(who)" }
        return "\(formName) › \(what) (\(who))"
    }
}

extension String {
    /// Empty or only spaces and tabs (what `trimmingCharacters(in: .whitespaces)` would empty, without
    /// Foundation's bridging, which showed in batch profiles).
    var isBlank: Bool {
        unicodeScalars.allSatisfy { $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }
    }
}
