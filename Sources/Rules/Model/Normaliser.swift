import Foundation

/// Makes what people type into what the checks and the forms expect — one normaliser for every
/// entry path: YAML/JSON (`ApplicationLoader`), CSV (Input), and field by field for a web form.
///
/// Only what is certain is changed: full-width digits, letters and signs typed by a Chinese input
/// method become half-width in codes, numbers, e-mail and phones (NFKC); a lowercase `x` at the
/// end of an ID becomes `X`; a lowercase 统一社会信用代码 becomes uppercase; spaces (ASCII and
/// U+3000) around a value, zero-width characters and byte-order marks go. Anything else stays as
/// typed, and `Validator` refuses it with a message that says why and what to do (a TAB inside a
/// name, a `?` left by a GBK save, an ID that Excel rounded).
public enum Normaliser {
    /// How a field's text is cleaned.
    public enum Kind: Sendable, Equatable {
        /// A person's or an organisation's name: trimmed, no NFKC (（） stay full-width), interpunct
        /// variants (• ・ ‧) become ·; a TAB or line break inside stays, for `Validator` to refuse.
        case name
        /// Free text (address, 职务, 变更事项): trimmed; line breaks and TABs inside (a multi-line Excel cell) are joined.
        case text
        /// 统一社会信用代码: NFKC, no spaces, uppercase.
        case uscc
        /// 证件号码: NFKC, no spaces, uppercase (`x` → `X`, `h12345678` → `H12345678`).
        case idNumber
        /// 手机号码: NFKC, no spaces or hyphens, without a +86 prefix.
        case mobile
        /// 电话 and 邮政编码: NFKC, runs of spaces made one.
        case phone
        /// 电子邮箱: NFKC, the ideographic full stop 。 becomes `.`.
        case email
        /// Several entries, one a line (a CSV's 变更事项 cell): trimmed, line breaks kept, no NFKC
        /// (the names in it keep their full-width （）).
        case lines
        /// A date (visit date, 填表日期): NFKC, and put in the model's form when it is one as people type
        /// it or spreadsheets write it (2026/12/7, 2026.12.7 → 2026-12-07); else left for the check.
        case date
        /// A time of day: NFKC, and `H:MM`, `HH:MM:SS` (a spreadsheet's time cell) or a full-width colon
        /// made `HH:MM` when the seconds are zero; else left for the check.
        case time
        /// Anything else (years, serials, service words): NFKC and trimmed.
        case code
    }

    /// The kind of a field, by its model path (`holders[2].idNumber`, `organization.uscc`, `holder.mobile`).
    public static func kind(ofField field: String) -> Kind {
        let last = field.split(separator: ".").last.map(String.init) ?? field
        switch last {
        case "name": return .name
        case "address", "title", "item", "from", "to", "office": return .text
        case "front", "back", "businessLicence": return .text  // file names: kept as typed
        case "items": return .lines
        case "uscc": return .uscc
        case "idNumber": return .idNumber
        case "mobile": return .mobile
        case "phone", "postcode": return .phone
        case "email": return .email
        case "date", "applicationDate": return .date
        case "time": return .time
        default: return .code
        }
    }

    /// The normalised value of a field, and what is wrong with it (the `Validator` check of that
    /// field, in Chinese), or nil — for a web form, field by field. `idType` is the person's 证件类型
    /// (for `…idNumber`); `today` is for birth dates in the future.
    public static func normalise(
        field: String, value: String, idType: IDType = .residentID,
        today: CivilDate = .today()
    ) -> (value: String, problem: String?) {
        let v = normalise(value, kind: kind(ofField: field))
        let last = field.split(separator: ".").last.map(String.init) ?? field
        let problem: String?
        switch last {
        case "name": problem = Validator.textProblem(v, label: field.hasPrefix("organization") ? "单位名称" : "姓名", required: true)
        case "address": problem = Validator.textProblem(v, label: "单位地址", required: true)
        case "title": problem = Validator.textProblem(v, label: "职务", required: false)
        case "uscc": problem = Validator.usccProblem(v)
        case "idNumber": problem = Validator.idProblem(v, type: idType, today: today)
        case "mobile": problem = Validator.mobileProblem(v)
        case "phone": problem = v.isEmpty ? nil : Validator.phoneProblem(v)
        case "postcode": problem = v.isEmpty ? nil : Validator.postcodeProblem(v)
        case "email": problem = v.isEmpty ? nil : Validator.emailProblem(v)
        default: problem = nil
        }
        return (v, problem)
    }

    /// A value cleaned as its kind says.
    public static func normalise(_ raw: String, kind: Kind) -> String {
        let s = trimmed(raw)
        switch kind {
        case .name:
            return String(String.UnicodeScalarView(s.unicodeScalars.map { interpuncts.contains($0) ? "·" : $0 }))
        case .text:
            return joiningLines(s)
        case .lines:
            return s
        case .uscc:
            return nfkc(s).filter { !$0.isWhitespace }.uppercased()
        case .idNumber:
            return nfkc(s).filter { !$0.isWhitespace }.uppercased()
        case .mobile:
            var m = nfkc(s).filter { !$0.isWhitespace && $0 != "-" }
            if m.hasPrefix("+86") { m.removeFirst(3) } else if m.count == 13, m.hasPrefix("861") { m.removeFirst(2) }
            return m
        case .phone:
            return nfkc(s).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        case .email:
            return nfkc(s).replacingOccurrences(of: "。", with: ".")
        case .date:
            let v = nfkc(s)
            return CivilDate(typed: v)?.description ?? v
        case .time:
            return tidyTime(nfkc(s))
        case .code:
            return nfkc(s)
        }
    }

    /// `9:30` → `09:30`, `10:00:00` → `10:00`; anything else as it is (the check says what is wrong).
    static func tidyTime(_ v: String) -> String {
        var parts = v.replacingOccurrences(of: "：", with: ":").split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 3, parts[2] == "00" { parts.removeLast() }
        guard parts.count == 2, let t = ClockTime(parts.joined(separator: ":")) else { return v }
        return t.description
    }

    /// An application with every field normalised.
    public static func normalise(_ app: Application) -> Application {
        var a = app
        a.organization.name = normalise(a.organization.name, kind: .name)
        a.organization.uscc = normalise(a.organization.uscc, kind: .uscc)
        a.organization.address = normalise(a.organization.address, kind: .text)
        a.organization.postcode = a.organization.postcode.map { normalise($0, kind: .phone) }
        a.organization.phone = a.organization.phone.map { normalise($0, kind: .phone) }
        a.legalRepresentative = normalise(a.legalRepresentative)
        a.handler = normalise(a.handler)
        a.holders = a.holders?.map(normalise)
        if let serial = app.existingCertificate?.serial { a.existingCertificate?.serial = normalise(serial, kind: .code) }
        if let items = app.change?.items {
            a.change?.items = items.map {
                ChangeItem(item: normalise($0.item, kind: .text), from: normalise($0.from, kind: .text), to: normalise($0.to, kind: .text))
            }
        }
        if let v = a.visit {
            a.visit = PlannedVisit(date: v.date, time: v.time.map { normalise($0, kind: .time) }, office: v.office.map { normalise($0, kind: .text) })
        }
        return a
    }

    static func normalise(_ p: Person) -> Person {
        var p = p
        p.name = normalise(p.name, kind: .name)
        p.idNumber = normalise(p.idNumber, kind: .idNumber)
        p.mobile = normalise(p.mobile, kind: .mobile)
        p.email = p.email.map { normalise($0, kind: .email) }
        p.title = p.title.map { normalise($0, kind: .text) }
        return p
    }

    // MARK: - Pieces

    /// Zero-width characters, byte-order marks and soft hyphens: invisible, pasted from web pages and Word.
    static let invisible: Set<Unicode.Scalar> = ["\u{200B}", "\u{200C}", "\u{200D}", "\u{2060}", "\u{FEFF}", "\u{00AD}", "\u{180E}"]
    /// Spaces trimmed at both ends: ASCII, no-break and ideographic (U+3000), and TAB/line breaks.
    static let edgeSpace: Set<Unicode.Scalar> = [" ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\u{00A0}", "\u{3000}"]
    /// Middle dots other than U+00B7 that people type between the parts of a name (艾力·买买提).
    static let interpuncts: Set<Unicode.Scalar> = ["\u{2022}", "\u{30FB}", "\u{FF65}", "\u{2027}", "\u{22C5}", "\u{2219}"]

    /// Without invisible characters, and without spaces at either end.
    public static func trimmed(_ s: String) -> String {
        // Most values need nothing: nothing invisible (all at U+00AD or above), no space at either end.
        if s.unicodeScalars.allSatisfy({ $0.value < 0xAD || !invisible.contains($0) }),
            let first = s.unicodeScalars.first, let last = s.unicodeScalars.last,
            !edgeSpace.contains(first), !edgeSpace.contains(last)
        {
            return s
        }
        if s.isEmpty { return s }
        let scalars = Array(s.unicodeScalars.filter { !invisible.contains($0) })
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, edgeSpace.contains(scalars[start]) { start += 1 }
        while end > start, edgeSpace.contains(scalars[end - 1]) { end -= 1 }
        return String(String.UnicodeScalarView(scalars[start..<end]))
    }

    /// Full-width → half-width (and other compatibility forms) by NFKC.
    ///
    /// ASCII and CJK Unified Ideographs (U+4E00–U+9FFF) are NFKC already, whatever follows them
    /// (NFKC_Quick_Check = Yes, combining class 0): such a value — most codes, dates and words —
    /// is returned as it is, without the (slow on Linux) Foundation call.
    static func nfkc(_ s: String) -> String {
        if s.unicodeScalars.allSatisfy({ $0.value < 0x80 || (0x4E00...0x9FFF).contains($0.value) }) { return s }
        return s.precomposedStringWithCompatibilityMapping
    }

    /// Line breaks and TABs inside a value joined: nothing between Chinese characters, one space
    /// between Latin letters or digits.
    static func joiningLines(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingBreak = false
        for c in s.unicodeScalars {
            if c == "\n" || c == "\r" || c == "\t" {
                pendingBreak = true
                continue
            }
            if pendingBreak, let last = out.last, last.isASCII, c.isASCII, last != " ", c != " " { out.append(" ") }
            pendingBreak = false
            out.append(c)
        }
        return String(out)
    }

    /// True for what Excel writes for a long number it shows in scientific notation: `4.40305E+17`
    /// (one digit, optional decimals, E, a sign, the exponent). A valid code such as
    /// `91440305E500000000` is not scientific notation.
    public static func isScientificNotation(_ s: String) -> Bool {
        // Most values are not: a digit first and an E, checked before the (slow on Linux) regular expression.
        let u = s.utf8
        guard let first = u.first, (0x30...0x39).contains(first),
            u.contains(where: { $0 == 0x45 || $0 == 0x65 })
        else { return false }
        return s.range(of: #"^[0-9](\.[0-9]+)?[eE][+-][0-9]{1,3}$"#, options: .regularExpression) != nil
    }

    /// A value as it may be quoted in a message: control characters named (never sent raw to a
    /// terminal), and cut to `limit` characters so that a message stays a line or two.
    public static func shown(_ s: String, limit: Int = 24) -> String {
        var out = ""
        var count = 0
        for c in s.unicodeScalars {
            let piece: String
            switch c {
            case "\t": piece = "⟨Tab⟩"
            case "\n", "\r": piece = "⟨换行⟩"
            default:
                if c.properties.generalCategory == .control || c.properties.generalCategory == .format
                    || c.properties.generalCategory == .lineSeparator || c.properties.generalCategory == .paragraphSeparator
                {
                    piece = "⟨U+\(String(c.value, radix: 16, uppercase: true).leftPadded(to: 4))⟩"
                } else {
                    piece = String(c)
                }
            }
            if count >= limit {
                out += "…"
                break
            }
            out += piece
            count += 1
        }
        return out
    }
}

extension String {
    func leftPadded(to n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}

extension CivilDate {
    /// Today in Asia/Shanghai (China Standard Time, UTC+8, no daylight saving): the one "today" of the
    /// CLI, the batch workers and the server. `CERTPACK_TODAY=YYYY-MM-DD` in the environment fixes it
    /// (for the tests and the examples, whose visit dates would otherwise fall into the past).
    /// Given `now`, the day it is in Shanghai (no override).
    public static func today(now: Date? = nil) -> CivilDate {
        if now == nil, let fixed = ProcessInfo.processInfo.environment["CERTPACK_TODAY"].flatMap({ CivilDate($0) }) { return fixed }
        return CivilDate(dayNumber: Int((((now ?? Date()).timeIntervalSince1970 + 8 * 3600) / 86400).rounded(.down)))
    }
}
