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
        let left = m.left, width = b.page.size.width - m.left - m.right
        let top = m.top
        try b.text(template.project, in: Rect(x: left, y: top, width: width, height: 14),
                   style: TextStyle(role: .serif, size: 10, align: .center, gray: 0.2), owner: "\(formName) › project")
        let title = ctx.pageNumber > 1 ? template.title + template.continuation : template.title
        try b.text(title, in: Rect(x: left + 90, y: top + 15, width: width - 180, height: 26),
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
        try b.text(leftText, in: Rect(x: left, y: fy, width: width * 0.72, height: 12),
                   style: small, owner: "\(formName) › footer (\(ctx.application.organization.name))")
        let rightText = try Self.elided(template.footerRight, context: ctx, width: width * 0.28, style: rightStyle, builder: b)
        try b.text(rightText, in: Rect(x: left + width * 0.72, y: fy, width: width * 0.28, height: 12),
                   style: rightStyle, owner: "\(formName) › footer")
    }

    /// A footer is one line that only helps to re-sort loose pages: rather than refuse a long value, it
    /// shrinks to its floor and then shortens its longest field values in the middle (深圳市南山区…分公司)
    /// until the line fits `width`. The forms themselves carry every value in full.
    static func elided(_ interp: Interpolation, context ctx: FieldContext, width: Double, style: TextStyle,
                       builder b: PageBuilder) throws -> String {
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
                    let chars = values[i]!, k = keep[i]!
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
        throw TypesetError.overflow(owner: owner, text: text, overflow: height - room, box: Rect(x: 0, y: 0, width: width, height: room), floorSize: floor)
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

    // MARK: - Grid

    mutating func grid(_ g: Grid) throws {
        guard visible(g.when) else { return }
        let xs = g.columns.reduce(into: [flow.left]) { $0.append($0.last! + $1) }
        var frames: [Segment] = []
        // Every row's height first (rows grow to hold long values): a grid that fits a page is kept
        // together, on the next page if need be, rather than leaving a heading row behind.
        var planned: [(group: Group, rows: [(row: Row, growth: Growth)])] = []
        for group in g.groups where visible(group.when) {
            let rows = try group.rows.filter { visible($0.when) }.map { row in
                (row: row, growth: try self.height(of: row, xs: xs, firstColumn: group.heading == nil ? 0 : 1))
            }
            if !rows.isEmpty { planned.append((group, rows)) }
        }
        let total = planned.reduce(0) { $0 + $1.rows.reduce(0) { $0 + $1.growth.height } }
        if !flow.fits(total) && !flow.atTop && total <= flow.bottom - flow.bodyTop { flow.newPage() }
        for (group, rows) in planned {
            var headings: [Segment] = []
            for (row, growth) in rows {
                let height = growth.height
                guard flow.make(room: height) else {
                    try growth.refuse(room: flow.bottom - flow.bodyTop)
                    throw LayoutError(file: template.file, line: row.line, message: "row of height \(Int(height / 72 * 25.4)) mm does not fit on a page")
                }
                let y = flow.y
                extend(&frames, y: y, height: height)
                if group.heading != nil { extend(&headings, y: y, height: height) }
                var col = group.heading == nil ? 0 : 1
                for cell in row.cells {
                    let box = Rect(x: xs[col], y: y, width: xs[col + cell.span] - xs[col], height: height)
                    try self.cell(cell, in: box, pad: height > row.height ? Look.valuePad + Look.growPad / 2 : Look.valuePad)
                    col += cell.span
                }
                flow.y += height
            }
            if let heading = group.heading {
                for s in headings {
                    try verticalHeading(heading, in: Rect(x: xs[0], y: s.y0, width: xs[1] - xs[0], height: s.y1 - s.y0), page: s.page)
                }
            }
        }
        for s in frames {
            flow.builders[s.page].rect(Rect(x: xs.first!, y: s.y0, width: xs.last! - xs.first!, height: s.y1 - s.y0), width: Look.frameLine)
        }
    }

    func extend(_ segments: inout [Segment], y: Double, height: Double) {
        if let last = segments.last, last.page == flow.page, abs(last.y1 - y) < 0.01 {
            segments[segments.count - 1].y1 = y + height
        } else {
            segments.append(Segment(page: flow.page, y0: y, y1: y + height))
        }
    }

    /// A group heading set one character under the other (two or three a line, then smaller, when the
    /// group is too short), centred in the first column.
    mutating func verticalHeading(_ text: String, in box: Rect, page: Int) throws {
        flow.builders[page].fill(box, gray: Look.labelFill)
        flow.builders[page].rect(box, width: Look.cellLine)
        let chars = text.map(String.init)
        let (size, perLine) = Self.headingFit(count: chars.count, width: box.width - 3, height: box.height - 5)
        let lines = stride(from: 0, to: chars.count, by: perLine).map { chars[$0..<min($0 + perLine, chars.count)].joined() }
        let step = min(size * 1.25, (box.height - 5) / Double(lines.count))
        var y = box.midY - step * Double(lines.count) / 2
        for line in lines {
            try flow.builders[page].text(line, in: Rect(x: box.x, y: y, width: box.width, height: step),
                                         style: TextStyle(role: .serif, size: size, minSize: size, align: .center, wraps: false),
                                         owner: "\(formName) › heading \(text)")
            y += step
        }
    }

    /// The largest size (10.5 down to 7 pt) and fewest characters a line that fit `count` characters.
    static func headingFit(count: Int, width: Double, height: Double) -> (size: Double, perLine: Int) {
        var size = Look.textSize
        while size >= 7 {
            for k in 1...3 where Double(k) * size <= width {
                let lines = (count + k - 1) / k
                if Double(lines) * size * 1.15 <= height { return (size, k) }
            }
            size -= 0.5
        }
        return (7, max(1, min(count, Int(width / 7))))
    }

    /// A row is as tall as the template says, or taller when a value does not fit even wrapped at its
    /// floor size: the row grows (and what follows moves down, onto the next page if need be) rather
    /// than the text shrinking below legibility.
    func height(of row: Row, xs: [Double], firstColumn: Int) throws -> Growth {
        var height = Growth(height: row.height)
        var col = firstColumn
        for cell in row.cells {
            defer { col += cell.span }
            let text: String, o: String
            switch cell.content {
            case let .value(path, _):
                (text, o) = (Fields.value(path, in: context), owner(path))
            case let .text(interp, _):
                let name = interp.fields.count == 1 ? interp.fields[0] : "text"
                (text, o) = (interp.render(context), owner(name, fieldPath: name))
            default: continue
            }
            guard !text.isBlank else { continue }
            let style = valueStyle(size: cell.size ?? Look.textSize, minSize: cell.minSize, align: cell.align ?? .left)
            let scratch = PageBuilder(fonts: fonts)
            let needed = try scratch.heightNeeded(text, width: xs[col + cell.span] - xs[col], height: row.height - 2 * Look.valuePad,
                                                  style: style, owner: o)
            if needed > row.height - 2 * Look.valuePad {
                height.grow(to: needed + 2 * Look.valuePad + Look.growPad, owner: o, text: text, width: xs[col + cell.span] - xs[col], floor: style.minSize)
            }
        }
        return height
    }

    func valueStyle(size: Double, minSize: Double?, align: TextStyle.HAlign) -> TextStyle {
        TextStyle(role: .serif, size: size, minSize: minSize ?? 7, align: align, leading: 1.2, inset: Look.valueInset)
    }

    /// Draws a cell; `pad` is the space kept clear above and below its value.
    mutating func cell(_ cell: Cell, in box: Rect, pad: Double = Look.valuePad) throws {
        let size = cell.size ?? Look.textSize
        switch cell.content {
        case let .label(text):
            flow.draw { $0.fill(box, gray: Look.labelFill) }
            flow.draw { $0.rect(box, width: Look.cellLine) }
            let style = TextStyle(role: .serif, size: size, align: cell.align ?? .center, inset: Look.labelInset)
            let owner = owner("label \(text)")
            try flow.draw { _ = try $0.text(text, in: box, style: style, owner: owner) }
        case let .value(path, placeholder):
            flow.draw { $0.rect(box, width: Look.cellLine) }
            let value = Fields.value(path, in: context)
            try setValue(value, placeholder: placeholder, in: box, pad: pad, size: size, minSize: cell.minSize, align: cell.align ?? .left, owner: owner(path))
        case let .text(interp, placeholder):
            flow.draw { $0.rect(box, width: Look.cellLine) }
            let fields = interp.fields
            let name = fields.count == 1 ? fields[0] : "text"
            try setValue(interp.render(context), placeholder: placeholder, in: box, pad: pad, size: size, minSize: cell.minSize, align: cell.align ?? .left, owner: owner(name, fieldPath: name))
        case let .ticks(path, options):
            flow.draw { $0.rect(box, width: Look.cellLine) }
            try ticks(path: path, options: options, in: box, size: size, line: cell.line)
        case let .box(caption, note):
            flow.draw { $0.rect(box, width: Look.cellLine) }
            let style = TextStyle(role: .serif, size: size, vAlign: .top, inset: 6)
            let o = owner("box \(caption)")
            try flow.draw { _ = try $0.text(caption, in: Rect(x: box.x, y: box.y + 6, width: box.width, height: size * 1.3), style: style, owner: o) }
            if let note {
                var ns = style
                ns.align = .right
                let text = note.render(context)
                let noteOwner = owner(note.fields.first ?? "note")
                try flow.draw { _ = try $0.text(text, in: Rect(x: box.x, y: box.maxY - size * 1.3 - 6, width: box.width, height: size * 1.3), style: ns, owner: noteOwner) }
            }
        case .blank:
            flow.draw { $0.rect(box, width: Look.cellLine) }
        }
    }

    mutating func setValue(_ value: String, placeholder: String?, in box: Rect, pad: Double, size: Double, minSize: Double?, align: TextStyle.HAlign, owner: String) throws {
        if value.isBlank {
            guard let placeholder, !placeholder.isEmpty else { return }
            let style = TextStyle(role: .serif, size: size, align: align == .left ? .right : align, inset: Look.valueInset * 2, gray: Look.placeholderGray)
            try flow.draw { _ = try $0.text(placeholder, in: box, style: style, owner: owner) }
            return
        }
        let style = valueStyle(size: size, minSize: minSize, align: align)
        try flow.draw { _ = try $0.text(value, in: box.insetBy(dx: 0, dy: pad), style: style, owner: owner) }
    }

    /// `□新办 □续期 …` with vector squares, the bound option ticked.
    mutating func ticks(path: String, options: [TickOption], in box: Rect, size: Double, line: Int) throws {
        let chosen = Fields.choices[path]!.read(context) ?? ""
        let style = TextStyle(role: .serif, size: size, shrinks: false, wraps: false)
        let side = Look.tickSide
        var widths: [Double] = []
        for o in options { widths.append(try flow.builders[flow.page].measure(o.label, style: style, owner: owner("ticks \(path)"))) }
        let content = widths.reduce(0) { $0 + side + 3 + $1 }
        let inner = box.width - 2 * Look.valueInset * 2
        let gap = options.count > 1 ? min(16, (inner - content) / Double(options.count - 1)) : 0
        guard gap >= 4 else {
            throw LayoutError(file: template.file, line: line, message: "the tick row for \(path) needs \(Int(content + 4 * Double(options.count - 1))) pt but its cell is \(Int(box.width)) pt wide")
        }
        var x = box.x + Look.valueInset * 2
        for (o, w) in zip(options, widths) {
            let square = Rect(x: x, y: box.midY - side / 2, width: side, height: side)
            let o2 = owner("ticks \(path)")
            try flow.draw { try $0.tickBox(square, ticked: o.value == chosen, owner: o2) }
            try flow.draw { _ = try $0.text(o.label, in: Rect(x: x + side + 3, y: box.y, width: w + 1, height: box.height), style: style, owner: o2) }
            x += side + 3 + w + gap
        }
    }

    // MARK: - Paragraph

    mutating func paragraph(_ p: Paragraph) throws {
        guard visible(p.when) else { return }
        let text = String(repeating: "\u{3000}", count: Int(p.indent)) + p.text.render(context)
        let style = TextStyle(role: p.role, size: p.size, align: p.align, vAlign: .top, leading: p.leading, shrinks: false)
        let fields = p.text.fields
        let o = owner("paragraph (line \(p.line))", fieldPath: fields.first(where: { $0.hasPrefix("person.") }) ?? "text")
        var scratch = PageBuilder(fonts: fonts)
        let h = try scratch.text(text, in: Rect(x: 0, y: 0, width: flow.width, height: 100_000), style: style, owner: o)
        _ = flow.make(room: h)
        let box = Rect(x: flow.left, y: flow.y, width: flow.width, height: max(flow.bottom - flow.y, 1))
        let used = try flow.draw { b -> Double in try b.text(text, in: box, style: style, owner: o) }
        flow.y += used + p.size * (p.leading - 1)
    }

    // MARK: - Repeating table

    func rows(of c: Collection) -> [RowValue] {
        switch c {
        case .holders: context.holders.map { .holder($0) }
        case .changeItems: (context.application.change?.items ?? []).map { .changeItem($0) }
        case .checklist: context.checklist.documents.map { .document($0) }
        case .fees: context.checklist.fees.items.map { .fee($0) }
        }
    }

    mutating func table(_ t: RepeatTable) throws {
        guard visible(t.when) else { return }
        let data = rows(of: t.collection)
        let count = max(data.count, t.minRows)
        guard count > 0 else { return }
        let xs = t.columns.reduce(into: [flow.left]) { $0.append($0.last! + $1.width) }
        var frames: [Segment] = []
        var headerOnPage = -1
        for n in 0..<count {
            var ctx = context
            ctx.row = n < data.count ? data[n] : nil
            ctx.rowNumber = n < data.count ? n + 1 : 0
            let texts: [String?] = t.columns.map { col in
                guard ctx.row != nil, case let .text(interp) = col.content else { return nil }
                return interp.render(ctx)
            }
            var height = t.rowHeight
            var growth = Growth(height: t.rowHeight)
            if t.grows {
                for (i, col) in t.columns.enumerated() {
                    guard let text = texts[i], !text.isEmpty else { continue }
                    var scratch = PageBuilder(fonts: fonts)
                    let style = growStyle(col)
                    let h = try scratch.text(text, in: Rect(x: 0, y: 0, width: col.width, height: 100_000), style: style,
                                             owner: rowOwner(t, col, ctx))
                    height = max(height, h + 6)
                }
            } else {
                // Cells shrink, then wrap; a row whose text would still not fit grows rather than shrinking further.
                for (i, col) in t.columns.enumerated() {
                    guard let text = texts[i], !text.isEmpty else { continue }
                    let scratch = PageBuilder(fonts: fonts)
                    let needed = try scratch.heightNeeded(text, width: col.width, height: t.rowHeight - 2, style: cellStyle(col),
                                                          owner: rowOwner(t, col, ctx))
                    if needed > t.rowHeight - 2 {
                        growth.grow(to: needed + 2 + Look.growPad, owner: rowOwner(t, col, ctx), text: text, width: col.width, floor: cellStyle(col).minSize)
                    }
                }
                height = growth.height
            }
            // A new page when the row (with the header, on a fresh page) does not fit; never split a row.
            let needsHeader = headerOnPage != flow.page
            if !flow.fits((needsHeader ? t.headerHeight : 0) + height) {
                if !flow.atTop { flow.newPage() }
                guard flow.fits(t.headerHeight + height) else {
                    try growth.refuse(room: flow.bottom - flow.bodyTop - t.headerHeight)
                    throw LayoutError(file: template.file, line: t.line, message: "a row of the \(t.collection.rawValue) table is taller than a page")
                }
            }
            if headerOnPage != flow.page {
                let y = flow.y
                extend(&frames, y: y, height: t.headerHeight)
                for (i, col) in t.columns.enumerated() {
                    let box = Rect(x: xs[i], y: y, width: col.width, height: t.headerHeight)
                    flow.draw { $0.fill(box, gray: Look.labelFill); $0.rect(box, width: Look.cellLine) }
                    let style = TextStyle(role: .serif, size: min(col.size, Look.textSize), align: .center, inset: 2)
                    let o = owner("header \(col.header)")
                    try flow.draw { _ = try $0.text(col.header, in: box, style: style, owner: o) }
                }
                flow.y += t.headerHeight
                headerOnPage = flow.page
            }
            let y = flow.y
            extend(&frames, y: y, height: height)
            let saved = context
            context = ctx
            defer { context = saved }
            for (i, col) in t.columns.enumerated() {
                let box = Rect(x: xs[i], y: y, width: col.width, height: height)
                flow.draw { $0.rect(box, width: Look.cellLine) }
                switch col.content {
                case .blank: break
                case .tickBox:
                    let side = Look.tickSide + 1
                    let square = Rect(x: box.midX - side / 2, y: box.y + min(height, t.rowHeight) / 2 - side / 2, width: side, height: side)
                    if ctx.row != nil { try flow.draw { try $0.tickBox(square, ticked: false) } }
                case .text:
                    guard let text = texts[i], !text.isEmpty else { continue }
                    let style = t.grows ? growStyle(col) : cellStyle(col)
                    let o = rowOwner(t, col, ctx)
                    try flow.draw { _ = try $0.text(text, in: box.insetBy(dx: 0, dy: t.grows ? 3 : height > t.rowHeight ? 1 + Look.growPad / 2 : 1), style: style, owner: o) }
                }
            }
            flow.y += height
        }
        for s in frames {
            flow.builders[s.page].rect(Rect(x: xs.first!, y: s.y0, width: xs.last! - xs.first!, height: s.y1 - s.y0), width: Look.frameLine)
        }
    }

    /// A cell of a table of fixed-height rows: shrinks to 7 pt, then wraps.
    func cellStyle(_ col: RepeatTable.Column) -> TextStyle {
        TextStyle(role: .serif, size: col.size, align: col.align, leading: 1.2, inset: 3)
    }

    func growStyle(_ col: RepeatTable.Column) -> TextStyle {
        TextStyle(role: .serif, size: col.size, align: col.align, vAlign: .center, leading: 1.35, shrinks: false, inset: 4)
    }

    func rowOwner(_ t: RepeatTable, _ col: RepeatTable.Column, _ ctx: FieldContext) -> String {
        var path = "\(t.collection.rawValue) › \(col.header)"
        if case let .text(interp) = col.content, let f = interp.fields.first { path = f }
        var who = ctx.application.organization.name
        switch ctx.row {
        case let .holder(p)?: who = "\(p.name), row \(ctx.rowNumber)"
        case .some: who = "row \(ctx.rowNumber), \(who)"
        case nil: break
        }
        return "\(formName) › \(path) (\(who))"
    }
}

extension String {
    /// Empty or only spaces and tabs (what `trimmingCharacters(in: .whitespaces)` would empty, without
    /// Foundation's bridging, which showed in batch profiles).
    var isBlank: Bool {
        unicodeScalars.allSatisfy { $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }
    }
}
