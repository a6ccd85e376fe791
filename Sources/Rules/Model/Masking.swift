/// Masks every ID number in free text (a message, a summary cell, a log line, a web path) with
/// `maskID`, wherever it came from: a value echoed by a check, a line of the user's file quoted by a
/// YAML error, two rows compared, a request path. What a person reads casually never shows a whole ID
/// number. This is the one masker: the CLI, the batch summaries, the web page and its logs all call it.
///
/// An ID number here is 18 characters, 17 digits and a digit or X, with a birth date or check digit
/// as GB 11643 gives them (a mistyped number still has one or the other), or 15 digits with a birth
/// date (the old format). It is found standing alone or inside a longer run of letters
/// (`/x440305198003121235abc`): the digits are what count, bounded by anything but another digit.
/// A 统一社会信用代码, whose characters 7–14 are part of a region and an organisation code, is left
/// as it is; so is a longer run of digits (a serial, a bank account).
public func maskIDNumbers(in text: String) -> String {
    let scalars = Array(text.unicodeScalars)
    var out = String.UnicodeScalarView()
    var i = 0
    while i < scalars.count {
        guard isASCIIAlnum(scalars[i]) else {
            out.append(scalars[i])
            i += 1
            continue
        }
        var j = i
        while j < scalars.count && isASCIIAlnum(scalars[j]) { j += 1 }
        let token = String(String.UnicodeScalarView(scalars[i..<j]))
        out.append(contentsOf: (looksLikeIDNumber(token) ? maskID(token) : maskingEmbedded(scalars[i..<j])).unicodeScalars)
        i = j
    }
    return String(out)
}

/// A run of letters and digits with every ID number inside it masked: a run of exactly 18 digits
/// (or 17 and an X) or 15 digits, not part of a longer run of digits.
private func maskingEmbedded(_ run: ArraySlice<Unicode.Scalar>) -> String {
    var out = String.UnicodeScalarView()
    var i = run.startIndex
    while i < run.endIndex {
        guard isASCIIDigit(run[i]) else {
            out.append(run[i])
            i += 1
            continue
        }
        var j = i
        while j < run.endIndex && isASCIIDigit(run[j]) { j += 1 }
        // 17 digits and a check character X (not followed by another letter or digit that would make it longer).
        if j - i == 17, j < run.endIndex, run[j] == "X" || run[j] == "x" { j += 1 }
        let digits = String(String.UnicodeScalarView(run[i..<j]))
        out.append(contentsOf: (looksLikeIDNumber(digits) ? maskID(digits) : digits).unicodeScalars)
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

private func isASCIIDigit(_ s: Unicode.Scalar) -> Bool { ("0"..."9").contains(s) }

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
