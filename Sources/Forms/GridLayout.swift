import Foundation
import Rules
import Typeset

// A template's grids: rows of labelled cells, group headings set vertically, tick boxes.

extension BodyLayout {
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
                    throw LayoutError(
                        file: template.file, line: row.line, message: "row of height \(Int(height / 72 * 25.4)) mm does not fit on a page")
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
            try flow.builders[page].text(
                line, in: Rect(x: box.x, y: y, width: box.width, height: step),
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
            let text: String
            let o: String
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
            let needed = try scratch.heightNeeded(
                text, width: xs[col + cell.span] - xs[col], height: row.height - 2 * Look.valuePad,
                style: style, owner: o)
            if needed > row.height - 2 * Look.valuePad {
                height.grow(
                    to: needed + 2 * Look.valuePad + Look.growPad, owner: o, text: text, width: xs[col + cell.span] - xs[col], floor: style.minSize)
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
            try setValue(
                value, placeholder: placeholder, in: box, pad: pad, size: size, minSize: cell.minSize, align: cell.align ?? .left, owner: owner(path))
        case let .text(interp, placeholder):
            flow.draw { $0.rect(box, width: Look.cellLine) }
            let fields = interp.fields
            let name = fields.count == 1 ? fields[0] : "text"
            try setValue(
                interp.render(context), placeholder: placeholder, in: box, pad: pad, size: size, minSize: cell.minSize, align: cell.align ?? .left,
                owner: owner(name, fieldPath: name))
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
                try flow.draw {
                    _ = try $0.text(
                        text, in: Rect(x: box.x, y: box.maxY - size * 1.3 - 6, width: box.width, height: size * 1.3), style: ns, owner: noteOwner)
                }
            }
        case .blank:
            flow.draw { $0.rect(box, width: Look.cellLine) }
        }
    }

    mutating func setValue(
        _ value: String, placeholder: String?, in box: Rect, pad: Double, size: Double, minSize: Double?, align: TextStyle.HAlign, owner: String
    ) throws {
        if value.isBlank {
            guard let placeholder, !placeholder.isEmpty else { return }
            let style = TextStyle(
                role: .serif, size: size, align: align == .left ? .right : align, inset: Look.valueInset * 2, gray: Look.placeholderGray)
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
            throw LayoutError(
                file: template.file, line: line,
                message: "the tick row for \(path) needs \(Int(content + 4 * Double(options.count - 1))) pt but its cell is \(Int(box.width)) pt wide"
            )
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
}
