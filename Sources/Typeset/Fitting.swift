/// How a piece of text sits in its box.
public struct TextStyle: Sendable, Equatable {
    public enum HAlign: Sendable, Equatable { case left, center, right }
    public enum VAlign: Sendable, Equatable { case top, center }

    public var role: FontRole
    /// The nominal size in points.
    public var size: Double
    /// The floor: text shrinks no smaller than this (default 7 pt).
    public var minSize: Double
    public var align: HAlign
    public var vAlign: VAlign
    /// Baseline-to-baseline distance as a multiple of the size.
    public var leading: Double
    /// May the text get smaller than `size` to fit? (Paragraphs keep their size.)
    public var shrinks: Bool
    /// May the text wrap onto several lines?
    public var wraps: Bool
    /// Space kept clear inside the box on the left and right.
    public var inset: Double
    /// Grey level of the text (0 black, 1 white).
    public var gray: Double

    public init(
        role: FontRole = .serif, size: Double = 10.5, minSize: Double = 7, align: HAlign = .left,
        vAlign: VAlign = .center, leading: Double = 1.3, shrinks: Bool = true, wraps: Bool = true,
        inset: Double = 0, gray: Double = 0
    ) {
        self.role = role
        self.size = size
        self.minSize = min(minSize, size)
        self.align = align
        self.vAlign = vAlign
        self.leading = leading
        self.shrinks = shrinks
        self.wraps = wraps
        self.inset = inset
        self.gray = gray
    }
}

/// A line of a fitted text: a range of scalars and its width in ems (trailing spaces excluded).
struct LineSlice: Equatable {
    var start: Int
    var end: Int
    var width: Double
}

/// The result of fitting: the size chosen and the lines at that size.
struct Fitted {
    var size: Double
    var lines: [LineSlice]
}

/// The size steps tried when shrinking: nominal, then down by 0.5 pt, ending exactly at the floor.
func sizeSteps(from nominal: Double, to floor: Double) -> [Double] {
    var sizes: [Double] = []
    var s = nominal
    while s > floor + 1e-9 {
        sizes.append(s)
        s -= 0.5
    }
    sizes.append(floor)
    return sizes
}

/// Height of `lines` lines of text at `size`: one em box plus the leading between baselines.
func blockHeight(lines: Int, size: Double, leading: Double) -> Double {
    lines == 0 ? 0 : size + Double(lines - 1) * size * leading
}

/// Shrink → wrap → fail: the nominal size on one line if it fits; else one line at the largest size
/// down to the floor; else wrapped at the largest size whose lines fit the box height; else an error
/// naming the owner and by how much it overflows.
func fit(_ shaped: ShapedText, width: Double, height: Double, style: TextStyle, owner: String) throws -> Fitted {
    let single = LineSlice(start: 0, end: shaped.scalars.count, width: trimmedWidth(shaped, 0, shaped.scalars.count))
    let sizes = style.shrinks ? sizeSteps(from: style.size, to: style.minSize) : [style.size]
    for size in sizes where single.width * size <= width + 1e-6 && size <= height + 1e-6 {
        return Fitted(size: size, lines: [single])
    }
    if style.wraps {
        for size in sizes {
            let lines = wrap(shaped, lineWidth: width / size)
            if blockHeight(lines: lines.count, size: size, leading: style.leading) <= height + 1e-6 {
                return Fitted(size: size, lines: lines)
            }
        }
    }
    let floor = sizes.last!
    let needed =
        style.wraps
        ? blockHeight(lines: wrap(shaped, lineWidth: width / floor).count, size: floor, leading: style.leading) - height
        : single.width * floor - width
    throw TypesetError.overflow(
        owner: owner, text: shaped.text, overflow: max(needed, 0.1),
        box: Rect(x: 0, y: 0, width: width, height: height), floorSize: floor)
}

private func trimmedWidth(_ shaped: ShapedText, _ start: Int, _ end: Int) -> Double {
    var e = end
    while e > start && LineBreakRules.isSpace(shaped.scalars[e - 1]) { e -= 1 }
    var w = 0.0
    for i in start..<e { w += shaped.advances[i] }
    return w
}

/// Greedy line filling over the clreq break opportunities. A segment wider than the line alone is
/// broken between characters, still avoiding a prohibited line start where it can.
func wrap(_ shaped: ShapedText, lineWidth: Double) -> [LineSlice] {
    let n = shaped.scalars.count
    guard n > 0 else { return [] }
    let allowed = LineBreakRules.opportunities(shaped.scalars)
    var lines: [LineSlice] = []
    var start = 0
    while start < n {
        // Skip spaces at the start of a continuation line.
        while start < n && !lines.isEmpty && LineBreakRules.isSpace(shaped.scalars[start]) { start += 1 }
        if start >= n { break }
        var width = 0.0
        var lastBreak = -1
        var i = start
        while i < n {
            if i > start && allowed[i] && shaped.clusterStart[i] { lastBreak = i }
            let w = LineBreakRules.isSpace(shaped.scalars[i]) ? 0 : shaped.advances[i]
            if i > start && width + w > lineWidth + 1e-9 { break }
            width += LineBreakRules.isSpace(shaped.scalars[i]) ? shaped.advances[i] : w
            i += 1
        }
        var end: Int
        if i >= n {
            end = n
        } else if lastBreak > start {
            end = lastBreak
        } else {
            // Emergency: break between characters inside an overlong segment.
            end = i
            let noStart = LineBreakRules.noStart()
            while end - 1 > start && (noStart.contains(shaped.scalars[end]) || !shaped.clusterStart[end]) { end -= 1 }
            if end <= start { end = max(i, start + 1) }
        }
        lines.append(LineSlice(start: start, end: end, width: trimmedWidth(shaped, start, end)))
        start = end
    }
    return lines
}

extension PageBuilder {
    /// The height a box `width` wide must have for `text` to fit in `style`: `height` itself when the
    /// text fits there (at one line, shrunk or wrapped, as `text(_:in:style:owner:)` would set it), else
    /// the height of the text wrapped at the floor size — the box (a row that may grow) grows to that.
    /// Throws what setting the text would throw when growing cannot help (a text that may not wrap, a
    /// character no font has).
    public func heightNeeded(_ text: String, width: Double, height: Double, style: TextStyle, owner: String) throws -> Double {
        let clean = text.utf8.contains(0x0A) ? String(text.map { $0 == "\r\n" || $0 == "\n" ? " " : $0 }) : text
        guard !clean.isEmpty else { return height }
        let shaped = try fonts.shapeCache.shaped(clean, role: style.role, fonts: fonts, owner: owner)
        let inner = width - 2 * style.inset
        do {
            _ = try fit(shaped, width: inner, height: height, style: style, owner: owner)
            return height
        } catch TypesetError.overflow where style.wraps {
            let floor = style.shrinks ? style.minSize : style.size
            let lines = wrap(shaped, lineWidth: inner / floor)
            return max(height, blockHeight(lines: lines.count, size: floor, leading: style.leading))
        }
    }
}
