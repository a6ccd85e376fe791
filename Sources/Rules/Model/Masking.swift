/// Masks every ID number in free text (a message, a summary cell) with `maskID`, wherever it came
/// from: a value echoed by a check, a line of the user's file quoted by a YAML error, two rows
/// compared. What a person reads casually never shows a whole ID number.
///
/// An ID number here is a run of ASCII letters and digits that is 18 characters long, 17 digits
/// and a digit or X, with a birth date or check digit as GB 11643 gives them (a mistyped number
/// still has one or the other), or 15 digits with a birth date (the old format). A 统一社会信用代码,
/// whose characters 7–14 are part of a region and an organisation code, is left as it is.
public func maskIDNumbers(in text: String) -> String {
    let scalars = Array(text.unicodeScalars)
    var out = String.UnicodeScalarView()
    var i = 0
    while i < scalars.count {
        guard isASCIIAlnum(scalars[i]) else { out.append(scalars[i]); i += 1; continue }
        var j = i
        while j < scalars.count && isASCIIAlnum(scalars[j]) { j += 1 }
        let token = String(String.UnicodeScalarView(scalars[i..<j]))
        out.append(contentsOf: (looksLikeIDNumber(token) ? maskID(token) : token).unicodeScalars)
        i = j
    }
    return String(out)
}

/// True for an 18- or 15-character token shaped like a 居民身份证号码 (see `maskIDNumbers`).
public func looksLikeIDNumber(_ token: String) -> Bool {
    let chars = Array(token.uppercased())
    func digits(_ r: Range<Int>) -> Int? { Int(String(chars[r])) }
    func plausibleDate(year: Int, month: Int, day: Int) -> Bool { (1...12).contains(month) && (1...31).contains(day) && (1900...2099).contains(year) }
    if chars.count == 18 {
        guard chars[0..<17].allSatisfy(\.isASCIIDigit), chars[17].isASCIIDigit || chars[17] == "X" else { return false }
        if let y = digits(6..<10), let m = digits(10..<12), let d = digits(12..<14), plausibleDate(year: y, month: m, day: d) { return true }
        return CheckDigits.residentIDCheckDigit(String(chars[0..<17])) == chars[17] && !CheckDigits.isValidUSCC(String(chars))
    }
    if chars.count == 15 {
        guard chars.allSatisfy(\.isASCIIDigit), let m = digits(8..<10), let d = digits(10..<12) else { return false }
        return plausibleDate(year: 1900 + (digits(6..<8) ?? 0), month: m, day: d)
    }
    return false
}

private func isASCIIAlnum(_ s: Unicode.Scalar) -> Bool {
    s.isASCII && (("0"..."9").contains(s) || ("a"..."z").contains(s) || ("A"..."Z").contains(s))
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
