/// What can go wrong while setting text. Every case names the text's owner (a field name the caller
/// passes, e.g. `单位数字证书申请表 › organization.name`) so the user knows what to fix.
public enum TypesetError: Error, Equatable, CustomStringConvertible, Sendable {
    /// No font in the role's chain can draw `scalar`.
    case missingGlyph(scalar: Unicode.Scalar, text: String, owner: String)
    /// The text does not fit its box even at the floor size, wrapped.
    case overflow(owner: String, text: String, overflow: Double, box: Rect, floorSize: Double)
    /// A font named by the manifest was not found in any search path, or could not be opened.
    case fontUnavailable(role: String, detail: String)
    /// The font manifest is malformed.
    case badManifest(path: String, detail: String)
    /// Cairo reported an error while writing.
    case render(path: String, detail: String)

    public var description: String {
        switch self {
        case let .missingGlyph(scalar, text, owner):
            // A control character is named, never echoed: it would act on the terminal instead of showing.
            if invisible(scalar) {
                return "\(owner)：「\(visible(text))」含控制字符 \(code(scalar))，无法打印；请删去该字符（常见于从网页或 Excel 复制的内容）"
            }
            return "\(owner)：字符 \(code(scalar))（\(scalar)）没有任何字体能显示，无法打印「\(visible(text))」；请核对该字，或把含该字的字体放入 Fonts/ 并写入 fonts.json"
        case let .overflow(owner, text, overflow, box, floor):
            return
                "\(owner)：「\(text)」在 \(fmt(floor)) pt 换行后仍放不下（格子 \(fmt(box.width))×\(fmt(box.height)) pt），超出 \(fmt(overflow)) pt（overflows by \(fmt(overflow)) pt）；请缩短内容"
        case let .fontUnavailable(role, detail):
            return "字体（\(role)）：\(detail)"
        case let .badManifest(path, detail):
            return "\(path): \(detail)"
        case let .render(path, detail):
            return "\(path): \(detail)"
        }
    }
}

/// `U+0007`, `U+9FFF`.
func code(_ scalar: Unicode.Scalar) -> String {
    let hex = String(scalar.value, radix: 16, uppercase: true)
    return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
}

/// Control and format characters (TAB, BEL, zero-width space…) have nothing to show.
func invisible(_ s: Unicode.Scalar) -> Bool {
    switch s.properties.generalCategory {
    case .control, .format, .lineSeparator, .paragraphSeparator: return true
    default: return false
    }
}

/// `text` with its invisible characters written as [U+0009].
func visible(_ text: String) -> String {
    text.unicodeScalars.map { invisible($0) ? "[\(code($0))]" : String($0) }.joined()
}

func fmt(_ v: Double) -> String {
    let r = (v * 10).rounded() / 10
    return r == r.rounded() ? String(Int(r)) : String(r)
}
