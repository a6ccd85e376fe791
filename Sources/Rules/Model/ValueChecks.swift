import Foundation

// The single-value checks of `Validator`: one value (a code, an ID number, a phone, an e-mail) and
// what is wrong with it, or nil when it is fine.
extension Validator {
    /// What is wrong with a name or other text a person typed (单位名称, 姓名, 单位地址, 职务), or
    /// nil: empty when `required`; a TAB, a line break or another invisible control character
    /// inside (named, never echoed); a `?` or U+FFFD where a save as GBK lost a rare character.
    public static func textProblem(_ text: String, label: String, required: Bool) -> String? {
        if blank(text) { return required ? "\(label)不能为空" : nil }
        if text.contains("\t") {
            return "\(label)中有制表符（Tab），多半是从网页或表格复制时带进来的：请删去后重新输入"
        }
        if text.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\u{2028}" || $0 == "\u{2029}" }) {
            return "\(label)中有换行：请写在一行内"
        }
        if let c = text.unicodeScalars.first(where: { [.control, .format].contains($0.properties.generalCategory) }) {
            return "\(label)中有看不见的控制字符（\(Normaliser.shown(String(c)).dropFirst().dropLast())），多半是复制时带进来的：请删去后重新输入"
        }
        if text.contains("?") || text.contains("\u{FFFD}") {
            return "\(label)「\(Normaliser.shown(text))」中有 ?：保存为 GBK 时生僻字变成了 ?，请另存为 CSV UTF-8，并把原字补上"
        }
        return nil
    }

    static let excelRounded = "Excel 把长数字四舍五入了，请把该列设为「文本」后重新输入"
    static func scientific(_ value: String) -> String {
        "「\(value)」是 Excel 的科学计数法，号码的后几位已丢失：在 Excel 中把这一列设为「文本」格式，重新输入号码后再另存为 CSV"
    }

    /// What is wrong with a 统一社会信用代码, or nil.
    public static func usccProblem(_ code: String) -> String? {
        let chars = Array(code)
        if chars.isEmpty { return "统一社会信用代码不能为空，应为18位" }
        if Normaliser.isScientificNotation(code) { return scientific(code) }
        if chars.count != 18 { return "统一社会信用代码「\(Normaliser.shown(code))」应为18位，实为\(chars.count)位" }
        if let bad = chars.first(where: { !CheckDigits.usccAlphabet.contains($0) }) {
            return "统一社会信用代码含非法字符「\(Normaliser.shown(String(bad)))」：只能用数字和大写字母（不含 I、O、S、V、Z）"
        }
        // GB 32100-2015: characters 3–8 are the registering authority's six-digit region code.
        let region = chars[2..<8]
        if !region.allSatisfy(isDigit) {
            return "统一社会信用代码第3–8位「\(String(region))」应为6位数字（登记管理机关行政区划码，深圳为 4403xx），请核对营业执照"
        }
        if chars.allSatisfy(isDigit), code.hasSuffix("000") {
            return "统一社会信用代码「\(code)」以 000 结尾：\(excelRounded)"
        }
        let expected = CheckDigits.usccCheckCharacter(String(chars[0..<17]))!
        if chars[17] != expected {
            return "统一社会信用代码校验位错误：末位应为「\(expected)」，实为「\(chars[17])」（GB 32100-2015），请核对营业执照"
        }
        return nil
    }

    /// An ID number ending in 000: about 1 person in 1 100 has one, but it is also what a spreadsheet
    /// leaves of a long number it rounded. Refused unless confirmed; the advice fits where it was typed.
    static func endsIn000(_ label: String, _ id: String, entry: EntryPath) -> String {
        let head = "\(label)「\(maskID(id))」以 000 结尾：请对照证件原件核对。"
        switch entry {
        case .spreadsheet:
            return head + "多半是 Excel 把长数字四舍五入了，请把该列设为「文本」后重新输入；若号码确以 000 结尾，请在「已核对证件号码」列填写该号码（多个用；分隔）"
        case .file:
            return head + "若号码确以 000 结尾，请在申请数据顶层写 confirmedIdNumbers: [\"该号码\"]"
        case .web:
            return head + "若号码确以 000 结尾，请勾选「号码确以 000 结尾，已核对原件」"
        }
    }

    /// What is wrong with an ID number of a given 证件类型, or nil. `today` is for birth dates in the
    /// future; `confirmedEndingIn000`: the applicant confirmed this number does end in 000.
    public static func idProblem(
        _ id: String, type: IDType, today: CivilDate = .today(), confirmedEndingIn000: Bool = false,
        entry: EntryPath = .file
    ) -> String? {
        if id.isEmpty { return "证件号码不能为空" }
        if Normaliser.isScientificNotation(id) { return scientific(id) }
        let chars = Array(id)
        switch type {
        case .residentID:
            if chars.count == 15, chars.allSatisfy(isDigit) {
                return "「\(maskID(id))」是 15 位的旧身份证号码：请使用 18 位身份证号码（第二代身份证上的号码）"
            }
            guard chars.count == 18 else { return "居民身份证号码应为18位，实为\(chars.count)位" }
            guard chars[0..<17].allSatisfy(isDigit) else { return "居民身份证号码前17位应为数字" }
            if chars[17] == "x" { return "居民身份证号码末位校验码 X 应为大写" }
            guard isDigit(chars[17]) || chars[17] == "X" else { return "居民身份证号码末位应为数字或 X" }
            // Excel keeps 15 significant digits: an 18-digit number typed into a General cell ends in 000.
            if id.hasSuffix("000"), !confirmedEndingIn000 { return endsIn000("居民身份证号码", id, entry: entry) }
            if !CheckDigits.hasProvinceRegion(id) {
                return "居民身份证号码前两位「\(String(chars[0..<2]))」不是省级行政区划代码（如广东 44），请核对证件"
            }
            if let y = Int(String(chars[6..<10])), y < 1900 {
                return "居民身份证号码第7–10位的出生年份 \(y) 早于 1900 年，不可能是在世者的出生年份，请核对证件"
            }
            guard let birth = CheckDigits.residentIDBirthDate(id) else {
                return "居民身份证号码第7–14位「\(String(chars[6..<14]))」不是有效的出生日期（应为 YYYYMMDD）"
            }
            if birth > today {
                return "居民身份证号码第7–14位的出生日期 \(birth) 在今天（\(today)）之后，请核对证件"
            }
            let expected = CheckDigits.residentIDCheckDigit(String(chars[0..<17]))!
            if chars[17] != expected {
                return "居民身份证号码校验码错误：末位应为「\(expected)」，实为「\(chars[17])」（GB 11643-1999），请核对证件"
            }
        case .hongKongMacauPermit:
            // 港澳居民来往内地通行证: H or M followed by 8 digits (10 on older cards).
            guard let f = chars.first, f == "H" || f == "M", [9, 11].contains(chars.count), chars.dropFirst().allSatisfy(isDigit) else {
                return "港澳居民来往内地通行证号码应为 H 或 M 开头加 8 位（旧证 10 位）数字，如 H12345678"
            }
        case .taiwanPermit:
            // 台湾居民来往大陆通行证: 8 digits (10 digits on older cards).
            guard [8, 10].contains(chars.count), chars.allSatisfy(isDigit) else {
                return "台湾居民来往大陆通行证号码应为 8 位数字（旧证 10 位），如 12345678"
            }
        case .foreignPermanentResident:
            // Old cards: 3 letters (country) + 12 digits; 2023 cards: 18 characters starting with 9, MOD 11-2 check.
            if chars.count == 18, chars.allSatisfy(isDigit), id.hasSuffix("000"), !confirmedEndingIn000 {
                return endsIn000("外国人永久居留身份证号码", id, entry: entry)
            }
            let old = chars.count == 15 && chars[0..<3].allSatisfy({ $0.isASCII && $0.isUppercase }) && chars[3...].allSatisfy(isDigit)
            let new = chars.count == 18 && chars[0] == "9" && CheckDigits.hasValidResidentIDCheckDigit(id)
            guard old || new else {
                return "外国人永久居留身份证号码应为 18 位（9 开头，末位校验码正确）或旧版 15 位（3 个大写字母加 12 位数字）"
            }
        case .passport:
            guard (5...17).contains(chars.count), chars.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isUppercase) }) else {
                return "护照号码应为 5–17 位大写字母或数字"
            }
        }
        return nil
    }

    /// Mainland mobile: 11 digits, 13x–19x.
    public static func mobileProblem(_ m: String) -> String? {
        if m.isEmpty { return "手机号码不能为空（深圳CA以短信告知证书密码）" }
        guard m.count == 11, m.allSatisfy(isDigit), m.first == "1" else {
            return "手机号码「\(Normaliser.shown(m))」有误，应为以 1 开头的 11 位数字"
        }
        guard let second = Array(m)[1].wholeNumberValue, (3...9).contains(second) else {
            return "手机号码「\(m)」有误：大陆手机号码以 13–19 开头，请核对"
        }
        return nil
    }

    /// Other phones: digits, spaces, -, +, ( ); at least 7 digits; a bare number of 10–11 digits
    /// that lost the 0 of its area code (Excel drops leading zeros) is explained.
    public static func phoneProblem(_ p: String) -> String? {
        let allowed = Set("0123456789 -+()")
        guard p.allSatisfy({ allowed.contains($0) }), p.filter(isDigit).count >= 7 else {
            return "电话号码「\(Normaliser.shown(p))」有误，只能含数字、空格、-、+、( )，至少 7 位数字，如 0755-8888 6666"
        }
        let digits = p.filter(isDigit)
        let isMobile = mobileProblem(digits) == nil
        let isService = digits.count == 10 && (digits.hasPrefix("400") || digits.hasPrefix("800"))
        // Only a bare number: that is what a spreadsheet cell formatted as a number holds (26558800-801 is an extension).
        if p.allSatisfy(isDigit), [10, 11].contains(digits.count), digits.first != "0", !isMobile, !isService {
            return "电话号码「\(p)」缺了区号前的 0（Excel 会去掉开头的 0）：应为 0\(digits)，请把该列设为「文本」后重新输入"
        }
        return nil
    }

    /// 邮政编码: 6 digits (spaces typed between them, `518 057`, do not count).
    public static func postcodeProblem(_ p: String) -> String? {
        let digits = p.filter { !$0.isWhitespace }
        return digits.count == 6 && digits.allSatisfy(isDigit) ? nil : "邮政编码「\(Normaliser.shown(p))」有误，应为6位数字"
    }

    /// What is wrong with an e-mail address, or nil: the reason a mail server would refuse it.
    public static func emailProblem(_ e: String) -> String? {
        emailSyntaxProblem(e).map { "电子邮箱「\(Normaliser.shown(e, limit: 40))」格式有误：\($0)，应如 name@example.com" }
    }

    public static func isEmail(_ e: String) -> Bool { emailSyntaxProblem(e) == nil }

    /// The syntax a mail server accepts (RFC 5321/5322, without quoted strings or address literals):
    /// a dot-atom local part (letters, digits and ! # $ % & ' * + - / = ? ^ _ ` { | } ~, dots only between
    /// them, at most 64 characters), `@`, and a domain of at least two dot-separated labels, each of
    /// letters, digits and inner hyphens (at most 63), the last not all digits. Checked after the normaliser.
    static func emailSyntaxProblem(_ e: String) -> String? {
        guard e.allSatisfy(\.isASCII) else { return "只能含英文字母、数字和符号（不能有中文或全角字符）" }
        if e.contains(where: \.isWhitespace) { return "不能含空格" }
        let parts = e.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return parts.count < 2 ? "缺少 @" : "只能有一个 @" }
        let local = parts[0]
        let domain = parts[1]
        let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~")
        if local.isEmpty { return "@ 前面不能为空" }
        if local.count > 64 { return "@ 前面最多 64 个字符" }
        if let bad = local.first(where: { $0 != "." && !atext.contains($0) }) { return "@ 前面不能含「\(bad)」" }
        if local.hasPrefix(".") || local.hasSuffix(".") || local.contains("..") { return "@ 前面的点不能在开头、结尾或连续出现" }
        if domain.isEmpty { return "@ 后面缺少域名" }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        if labels.count < 2 { return "域名「\(domain)」应含点，如 example.com" }
        for label in labels {
            if label.isEmpty { return "域名中的点不能在开头、结尾或连续出现" }
            if label.count > 63 { return "域名的每一段最多 63 个字符" }
            if !label.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) { return "域名只能含字母、数字和连字符（-）" }
            if label.hasPrefix("-") || label.hasSuffix("-") { return "域名的每一段不能以连字符（-）开头或结尾" }
        }
        if labels.last!.allSatisfy(\.isNumber) { return "域名的最后一段不能全是数字" }
        if domain.count > 253 { return "域名太长" }
        return nil
    }

    static func blank(_ s: String) -> Bool { s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
    static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
}
