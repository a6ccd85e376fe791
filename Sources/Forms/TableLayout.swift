import Foundation
import Rules
import Typeset

// A template's paragraphs and repeating tables (one row per holder, continued over pages).

extension BodyLayout {
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
                    let h = try scratch.text(
                        text, in: Rect(x: 0, y: 0, width: col.width, height: 100_000), style: style,
                        owner: rowOwner(t, col, ctx))
                    height = max(height, h + 6)
                }
            } else {
                // Cells shrink, then wrap; a row whose text would still not fit grows rather than shrinking further.
                for (i, col) in t.columns.enumerated() {
                    guard let text = texts[i], !text.isEmpty else { continue }
                    let scratch = PageBuilder(fonts: fonts)
                    let needed = try scratch.heightNeeded(
                        text, width: col.width, height: t.rowHeight - 2, style: cellStyle(col),
                        owner: rowOwner(t, col, ctx))
                    if needed > t.rowHeight - 2 {
                        growth.grow(
                            to: needed + 2 + Look.growPad, owner: rowOwner(t, col, ctx), text: text, width: col.width, floor: cellStyle(col).minSize)
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
                    flow.draw {
                        $0.fill(box, gray: Look.labelFill)
                        $0.rect(box, width: Look.cellLine)
                    }
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
                    try flow.draw {
                        _ = try $0.text(
                            text, in: box.insetBy(dx: 0, dy: t.grows ? 3 : height > t.rowHeight ? 1 + Look.growPad / 2 : 1), style: style, owner: o)
                    }
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
