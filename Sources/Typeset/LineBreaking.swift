/// Where a line of Chinese text may break, by the rules of W3C clreq (GB/T 15834—2011).
///
/// Breaks are allowed between ideographs, after spaces, and between ideographs and Latin/digit runs;
/// Latin words, numbers, e-mail addresses and ID numbers are kept whole. Prohibited line starts
/// (stops, closing marks, connectors, interpuncts, the solidus) and line ends (opening marks, the
/// solidus) remove break opportunities; —— and …… are never split.
public enum LineBreakRules {
    /// clreq's levels; forms use `.gbStyle`.
    public enum Level: Sendable { case basic, gbStyle, strict }

    /// Stops 点号, Chinese and ASCII.
    public static let stops: Set<Unicode.Scalar> = scalars("、，。：；！？．,.:;!?")
    public static let closingQuotes: Set<Unicode.Scalar> = scalars("”’」』")
    public static let closingBrackets: Set<Unicode.Scalar> = scalars("）〕】〗］｝》〉)]}")
    /// 连接号: – ～ ~ - ‐
    public static let connectors: Set<Unicode.Scalar> = scalars("–～~-‐")
    /// 间隔号 and its look-alikes.
    public static let interpuncts: Set<Unicode.Scalar> = scalars("·‧•・")
    /// 分隔号
    public static let solidi: Set<Unicode.Scalar> = scalars("/／")
    /// Ellipsis: the issue pins it as never starting a line at every level.
    public static let ellipses: Set<Unicode.Scalar> = scalars("…⋯")
    /// Dashes: clreq's strict level forbids them at line start.
    public static let dashes: Set<Unicode.Scalar> = scalars("—⸺")
    public static let openingMarks: Set<Unicode.Scalar> = scalars("“‘「『（〔【〖［｛《〈([{")

    /// Characters that may never begin a line at `level`.
    public static func noStart(_ level: Level = .gbStyle) -> Set<Unicode.Scalar> {
        var set = stops.union(closingQuotes).union(closingBrackets).union(connectors).union(interpuncts)
            .union(ellipses).union(["\u{3000}"])
        if level != .basic { set.formUnion(solidi) }
        if level == .strict { set.formUnion(dashes) }
        return set
    }

    /// Characters that may never end a line at `level`.
    public static func noEnd(_ level: Level = .gbStyle) -> Set<Unicode.Scalar> {
        level == .basic ? openingMarks : openingMarks.union(solidi)
    }

    private static let cachedNoStart = noStart(.gbStyle)
    private static let cachedNoEnd = noEnd(.gbStyle)

    /// `result[i]` is true when a line may break before `scalars[i]` (index 0 is always false).
    public static func opportunities(_ scalars: [Unicode.Scalar], level: Level = .gbStyle) -> [Bool] {
        let noStart = level == .gbStyle ? cachedNoStart : noStart(level)
        let noEnd = level == .gbStyle ? cachedNoEnd : noEnd(level)
        var result = [Bool](repeating: false, count: scalars.count)
        guard scalars.count > 1 else { return result }
        for i in 1..<scalars.count {
            let a = scalars[i - 1]
            let b = scalars[i]
            var allowed: Bool
            if isSpace(b) {
                allowed = false  // spaces hang at the end of the line before them
            } else if isSpace(a) {
                allowed = true
            } else if isWordCharacter(a) && isWordCharacter(b) {
                allowed = false  // keep Latin words, numbers, e-mails and ID numbers whole
            } else if isCombining(b) {
                allowed = false
            } else {
                allowed = true
            }
            if noStart.contains(b) || noEnd.contains(a) { allowed = false }
            if a == b && (dashes.contains(a) || ellipses.contains(a)) { allowed = false }  // —— ……
            result[i] = allowed
        }
        return result
    }

    /// May `scalar` begin a line at `level`?
    public static func canStartLine(_ scalar: Unicode.Scalar, level: Level = .gbStyle) -> Bool { !noStart(level).contains(scalar) }
    /// May `scalar` end a line at `level`?
    public static func canEndLine(_ scalar: Unicode.Scalar, level: Level = .gbStyle) -> Bool { !noEnd(level).contains(scalar) }

    static func isSpace(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\t" || s == "\u{00A0}" }

    /// Letters, digits and the ASCII symbols that glue them (a.b@c.cn, 0755-8888, ODC-1): not CJK.
    static func isWordCharacter(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return s.properties.isAlphabetic || ("0"..."9").contains(s) || "@._-+#%&*=/:'()[]{}<>,;!?\"".unicodeScalars.contains(s) }
        if isCJK(s) { return false }
        return s.properties.isAlphabetic || s.properties.numericType != nil
    }

    static func isCJK(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x2E80...0x2FFF, 0x3000...0x303F, 0x3040...0x30FF, 0x3100...0x312F, 0x3190...0x31FF,
            0x3200...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF,
            0xFE30...0xFE4F, 0xFF00...0xFFEF, 0x20000...0x3FFFF:
            return true
        default:
            return false
        }
    }

    static func isCombining(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return s.value == 0x200D || (0xFE00...0xFE0F).contains(s.value) || (0xE0100...0xE01EF).contains(s.value)
        }
    }

    private static func scalars(_ text: String) -> Set<Unicode.Scalar> { Set(text.unicodeScalars) }
}
