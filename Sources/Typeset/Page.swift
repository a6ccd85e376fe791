import Foundation

/// A page as a display list: positioned glyph runs and vector strokes, ready for any surface.
///
/// Laying out (shaping, fitting, the errors they raise) happens while the page is built; drawing it
/// afterwards cannot fail for want of space or glyphs. So a pack is laid out whole before any file is
/// opened, and the same page draws to PDF and PNG.
public struct Page: Sendable {
    public var size: Size
    public internal(set) var items: [PageItem] = []
    public init(size: Size = .a4) { self.size = size }

    /// True when the page places a picture.
    public var hasImages: Bool { items.contains { if case .image = $0 { true } else { false } } }
}

/// One drawing operation.
public enum PageItem: Sendable {
    case glyphs(GlyphRun)
    case line(from: Point, to: Point, width: Double)
    case rect(Rect, width: Double)
    case fill(Rect, gray: Double)
    /// A picture scaled into the rectangle.
    case image(PageImage, in: Rect)
}

/// Glyphs of one face at one size, with the text they came from and the glyph-to-text clusters, so the
/// PDF maps every glyph back to its characters (searchable, copyable).
public struct GlyphRun: Sendable {
    public var face: Int
    public var size: Double
    public var gray: Double
    public var text: String
    public var glyphs: [PlacedGlyph]
    public var clusters: [TextCluster]
    /// Drawn rotated and see-through, clipped to a rectangle (a watermark across a picture); nil: plain text.
    public var overlay: RunOverlay? = nil
}

/// How a watermark's glyph run is drawn: rotated by `angle` (radians, clockwise on the page) about
/// `center`, at `opacity`, inside `clip`.
public struct RunOverlay: Sendable, Equatable {
    public var clip: Rect
    public var center: Point
    public var angle: Double
    public var opacity: Double
    public init(clip: Rect, center: Point, angle: Double, opacity: Double) {
        self.clip = clip
        self.center = center
        self.angle = angle
        self.opacity = opacity
    }
}

public struct PlacedGlyph: Sendable {
    public var id: UInt32
    public var x: Double
    public var y: Double
}

public struct TextCluster: Sendable {
    public var bytes: Int32
    public var glyphs: Int32
}

/// Builds a `Page` from text in boxes, lines, rectangles and tick boxes.
public struct PageBuilder {
    public let fonts: FontBook
    public private(set) var page: Page

    public init(fonts: FontBook, size: Size = .a4) {
        self.fonts = fonts
        self.page = Page(size: size)
    }

    /// Sets `text` in `box` by the shrink → wrap → fail rule of `style`.
    /// - Parameter owner: who the text belongs to (form › field), named in errors.
    /// - Returns: the height the text block takes.
    @discardableResult
    public mutating func text(_ text: String, in box: Rect, style: TextStyle = TextStyle(), owner: String) throws -> Double {
        // Line breaks in a value are spaces (native Swift: Foundation's replacing costs more than the layout).
        let clean = text.utf8.contains(0x0A) ? String(text.map { $0 == "\r\n" || $0 == "\n" ? " " : $0 }) : text
        guard !clean.isEmpty else { return 0 }
        let shaped = try fonts.shapeCache.shaped(clean, role: style.role, fonts: fonts, owner: owner)
        let inner = box.insetBy(dx: style.inset, dy: 0)
        let fitted = try fit(shaped, width: inner.width, height: inner.height, style: style, owner: owner)
        let height = blockHeight(lines: fitted.lines.count, size: fitted.size, leading: style.leading)
        let top = style.vAlign == .top ? inner.y : inner.midY - height / 2
        for (n, line) in fitted.lines.enumerated() {
            // The ideographic em box spans 0.88 em above the baseline to 0.12 em below it.
            let baseline = top + fitted.size * 0.88 + Double(n) * fitted.size * style.leading
            let x: Double
            switch style.align {
            case .left: x = inner.x
            case .center: x = inner.midX - line.width * fitted.size / 2
            case .right: x = inner.maxX - line.width * fitted.size
            }
            place(shaped, line, x: x, baseline: baseline, size: fitted.size, gray: style.gray)
        }
        return height
    }

    /// The width `text` takes on one line in `style` at its nominal size.
    public func measure(_ text: String, style: TextStyle = TextStyle(), owner: String = "measure") throws -> Double {
        let shaped = try fonts.shapeCache.shaped(text, role: style.role, fonts: fonts, owner: owner)
        return shaped.advances.reduce(0, +) * style.size
    }

    public mutating func line(from a: Point, to b: Point, width: Double = 0.6) {
        page.items.append(.line(from: a, to: b, width: width))
    }

    public mutating func rect(_ r: Rect, width: Double = 0.6) {
        page.items.append(.rect(r, width: width))
    }

    public mutating func fill(_ r: Rect, gray: Double) {
        page.items.append(.fill(r, gray: gray))
    }

    /// Places a picture, scaled to fill `r` (the caller keeps its proportions).
    public mutating func image(_ image: PageImage, in r: Rect) {
        page.items.append(.image(image, in: r))
    }

    /// `text` repeated in rows across `area`, rotated by `angle` (radians, clockwise), at `opacity`,
    /// clipped to `area`: a watermark. The glyphs are text like any other (searchable, copyable).
    public mutating func watermark(
        _ text: String, over area: Rect, size: Double, angle: Double, opacity: Double,
        gray: Double = 0, owner: String
    ) throws {
        let style = TextStyle(
            role: .sans, size: size, minSize: size, align: .left, vAlign: .top, leading: 1,
            shrinks: false, wraps: false, gray: gray)
        let width = try measure(text, style: style, owner: owner)
        let pitchX = width + size * 2.5
        let pitchY = size * 4
        let center = Point(area.midX, area.midY)
        let radius = (area.width * area.width + area.height * area.height).squareRoot() / 2
        let overlay = RunOverlay(clip: area, center: center, angle: angle, opacity: opacity)
        let (c, s) = (cos(angle), sin(angle))
        var row = 0
        var y = center.y - radius - size
        while y < center.y + radius {
            var x = center.x - radius - Double(row % 3) * pitchX / 3
            while x < center.x + radius {
                // Only tiles that can show inside the area once rotated.
                let (dx, dy) = (x + width / 2 - center.x, y + size / 2 - center.y)
                let (rx, ry) = (center.x + dx * c - dy * s, center.y + dx * s + dy * c)
                if rx > area.x - width / 2 && rx < area.maxX + width / 2 && ry > area.y - width / 2 && ry < area.maxY + width / 2 {
                    let start = page.items.count
                    try self.text(text, in: Rect(x: x, y: y, width: width + size, height: size * 1.3), style: style, owner: owner)
                    for i in start..<page.items.count {
                        if case var .glyphs(run) = page.items[i] {
                            run.overlay = overlay
                            page.items[i] = .glyphs(run)
                        }
                    }
                }
                x += pitchX
            }
            y += pitchY
            row += 1
        }
    }

    /// A tick box: a vector square (the CJK fonts have no ☐), with the ✓ glyph inside when ticked.
    public mutating func tickBox(_ r: Rect, ticked: Bool, owner: String = "tick box") throws {
        rect(r, width: 0.7)
        if ticked {
            try text("✓", in: r, style: TextStyle(role: .sans, size: r.height * 1.05, minSize: r.height * 0.5, align: .center), owner: owner)
        }
    }

    /// Appends the glyphs of one line, one run per face.
    private mutating func place(_ shaped: ShapedText, _ line: LineSlice, x: Double, baseline: Double, size: Double, gray: Double) {
        var pen = x
        let utf8 = Array(shaped.text.utf8)
        var g = shaped.glyphs.firstIndex { $0.scalar >= line.start } ?? shaped.glyphs.count
        // Trailing spaces are not drawn.
        var lastScalar = line.end
        while lastScalar > line.start && LineBreakRules.isSpace(shaped.scalars[lastScalar - 1]) { lastScalar -= 1 }
        while g < shaped.glyphs.count && shaped.glyphs[g].scalar < lastScalar {
            let face = shaped.glyphs[g].face
            var glyphs: [PlacedGlyph] = []
            var clusters: [TextCluster] = []
            let runStartByte = shaped.offsets[shaped.glyphs[g].scalar]
            var runEndByte = runStartByte
            while g < shaped.glyphs.count && shaped.glyphs[g].scalar < lastScalar && shaped.glyphs[g].face == face {
                let scalar = shaped.glyphs[g].scalar
                var count: Int32 = 0
                while g < shaped.glyphs.count && shaped.glyphs[g].scalar == scalar {
                    let sg = shaped.glyphs[g]
                    glyphs.append(PlacedGlyph(id: sg.id, x: pen + sg.xOffset * size, y: baseline - sg.yOffset * size))
                    pen += sg.advance * size
                    count += 1
                    g += 1
                }
                // The cluster runs to the next glyph's scalar (or the line's end): ligatures keep all their text.
                let nextScalar = g < shaped.glyphs.count ? min(shaped.glyphs[g].scalar, lastScalar) : lastScalar
                let bytes = shaped.offsets[max(nextScalar, scalar + 1)] - shaped.offsets[scalar]
                clusters.append(TextCluster(bytes: Int32(bytes), glyphs: count))
                runEndByte = shaped.offsets[scalar] + bytes
            }
            let text = String(decoding: utf8[runStartByte..<runEndByte], as: UTF8.self)
            page.items.append(.glyphs(GlyphRun(face: face, size: size, gray: gray, text: text, glyphs: glyphs, clusters: clusters)))
        }
    }
}
