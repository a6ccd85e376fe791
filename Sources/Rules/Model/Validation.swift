import Foundation

/// One problem with an application: the field (`organization.uscc`, `holders[1].idNumber`) and
/// what is wrong, in Chinese, with what is expected.
public struct ValidationIssue: Sendable, Equatable, CustomStringConvertible, Codable {
    public var field: String
    public var message: String
    public init(field: String, message: String) { self.field = field; self.message = message }
    public var description: String { "\(field): \(message)" }
}

/// The data checks of RULES.md: every failure of a record, together.
public enum Validator {
    /// Checks an application's data; an empty list means it is valid. `today` is for birth dates
    /// in the future. Give it a normalised application (`Normaliser.normalise`): what the
    /// normaliser would fix is reported here.
    public static func validate(_ app: Application, today: CivilDate = .today()) -> [ValidationIssue] {
        var out: [ValidationIssue] = []
        func issue(_ f: String, _ m: String) { out.append(ValidationIssue(field: f, message: m)) }

        // 机构信息
        let org = app.organization
        if let m = textProblem(org.name, label: "单位名称", required: true) { issue("organization.name", m) }
        if let m = usccProblem(org.uscc) { issue("organization.uscc", m) }
        if let m = textProblem(org.address, label: "单位地址", required: true) { issue("organization.address", m) }
        if let p = org.postcode, !p.isEmpty, let m = postcodeProblem(p) { issue("organization.postcode", m) }
        if let p = org.phone, !p.isEmpty, let m = phoneProblem(p) { issue("organization.phone", m) }

        // People
        out += personIssues(app.legalRepresentative, at: "legalRepresentative", today: today)
        out += personIssues(app.handler, at: "handler", today: today)
        if let e = app.handler.email, !e.isEmpty, let m = emailProblem(e) { issue("handler.email", m) }
        if let holders = app.holders {
            if app.certificates.personal != nil, holders.isEmpty {
                issue("holders", "机构个人证书至少需要一位证书持有人（不填则默认为法定代表人）")
            }
            var seen: [String: Int] = [:]
            for (i, h) in holders.enumerated() {
                out += personIssues(h, at: "holders[\(i)]", today: today)
                if let j = seen[h.idNumber] {
                    issue("holders[\(i)].idNumber", "与 holders[\(j)] 证件号码重复：同一人只能持有一张机构个人证书")
                }
                seen[h.idNumber] = i
            }
        }

        // 证书
        let certs = app.certificates
        if certs.odc == nil, certs.personal == nil {
            issue("certificates", "至少需申请一种证书：机构证书（odc）或机构个人证书（personal）")
        }
        if let o = certs.odc, o.years != 1 {
            issue("certificates.odc.years", "机构证书（ODC证书）只能办理1年期，不能为 \(o.years) 年")
        }
        if let p = certs.personal, !(1...5).contains(p.years) {
            issue("certificates.personal.years", "机构个人证书（法人证书）可办理1-5年期，不能为 \(p.years) 年")
        }

        // Service-specific
        let serial = app.existingCertificate?.serial?.trimmingCharacters(in: .whitespaces) ?? ""
        switch app.service {
        case .renew, .change, .unlock, .revoke:
            if serial.isEmpty { issue("existingCertificate.serial", "\(app.service.label)须填写原证书序列号") }
        case .new, .replace: break
        }
        if !serial.isEmpty, !serial.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            issue("existingCertificate.serial", "原证书序列号「\(Normaliser.shown(serial))」只能含字母和数字")
        }
        if app.service == .change {
            if let items = app.change?.items, !items.isEmpty {
                for (i, c) in items.enumerated() {
                    if blank(c.item) { issue("change.items[\(i)].item", "变更事项不能为空，例如 单位名称、法定代表人") }
                    if let m = textProblem(c.to, label: "变更后的内容", required: true) { issue("change.items[\(i)].to", m) }
                    if let m = textProblem(c.from, label: "变更前的内容", required: true) { issue("change.items[\(i)].from", m) }
                }
            } else {
                issue("change.items", "变更业务须列出变更事项（事项、变更前、变更后）")
            }
        } else if let items = app.change?.items, !items.isEmpty {
            issue("change", "只有变更业务才填写变更事项（当前业务：\(app.service.label)）")
        }

        out += legalRepresentativeChangeIssues(app)

        // 办理途径: 网上办理 only for 新办 (机构个人证书 only) and 续期.
        if app.channel == .online {
            switch app.service {
            case .new where certs.odc != nil:
                issue("channel", "网上办理仅支持机构个人证书新办（指南：仅支持机构个人证书网厅办理），机构证书（ODC）新办请现场办理")
            case .new, .renew: break
            default:
                issue("channel", "\(app.service.label)只能现场办理；网上办理仅适用于新办（机构个人证书）和续期")
            }
        }

        if let t = app.visit?.time, ClockTime(t) == nil { issue("visit.time", "到访时间「\(Normaliser.shown(t))」有误，应为 HH:MM，如 09:30") }
        out += FieldLimits.issues(app)
        return out
    }

    /// `validate(_:)` plus checks that need the catalog (the visit office exists).
    public static func validate(_ app: Application, catalog: Catalog, today: CivilDate = .today()) -> [ValidationIssue] {
        var out = validate(app, today: today)
        if let o = app.visit?.office, !o.isEmpty {
            if let m = textProblem(o, label: "受理点", required: false) { out.append(ValidationIssue(field: "visit.office", message: m)); return out }
            do { _ = try catalog.office(named: o) } catch { out.append(ValidationIssue(field: "visit.office", message: "\(error)")) }
        }
        return out
    }

    /// 变更 of the 法定代表人: the forms and the new 法人证书 (「若法人变更,则按新申请流程办理新法人证书」) are
    /// for `legalRepresentative`, who must be the person the change is to.
    static func legalRepresentativeChangeIssues(_ app: Application) -> [ValidationIssue] {
        guard app.service == .change else { return [] }
        let name = app.legalRepresentative.name.trimmingCharacters(in: .whitespaces)
        return (app.change?.items ?? []).enumerated().compactMap { i, c in
            let to = c.to.trimmingCharacters(in: .whitespaces)
            guard c.isLegalRepresentative, !to.isEmpty, !name.isEmpty, to != name else { return nil }
            return ValidationIssue(field: "change.items[\(i)].to",
                                   message: "变更后的法定代表人「\(to)」与法定代表人姓名（legalRepresentative.name）「\(name)」不一致：法定代表人一栏应填新法定代表人")
        }
    }

    static func personIssues(_ p: Person, at path: String, today: CivilDate) -> [ValidationIssue] {
        var out: [ValidationIssue] = []
        if let m = textProblem(p.name, label: "姓名", required: true) { out.append(.init(field: "\(path).name", message: m)) }
        if let m = idProblem(p.idNumber, type: p.idType, today: today) { out.append(.init(field: "\(path).idNumber", message: m)) }
        if let m = mobileProblem(p.mobile) { out.append(.init(field: "\(path).mobile", message: m)) }
        if let t = p.title, let m = textProblem(t, label: "职务", required: false) { out.append(.init(field: "\(path).title", message: m)) }
        return out
    }

    // MARK: - Single-value checks (nil when fine)

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

    /// What is wrong with an ID number of a given 证件类型, or nil. `today` is for birth dates in the future.
    public static func idProblem(_ id: String, type: IDType, today: CivilDate = .today()) -> String? {
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
            if id.hasSuffix("000") { return "居民身份证号码「\(maskID(id))」以 000 结尾：\(excelRounded)" }
            if !CheckDigits.hasProvinceRegion(id) {
                return "居民身份证号码前两位「\(String(chars[0..<2]))」不是省级行政区划代码（如广东 44），请核对证件"
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
            if chars.count == 18, chars.allSatisfy(isDigit), id.hasSuffix("000") {
                return "外国人永久居留身份证号码「\(maskID(id))」以 000 结尾：\(excelRounded)"
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

    /// 邮政编码: 6 digits.
    public static func postcodeProblem(_ p: String) -> String? {
        p.count == 6 && p.allSatisfy(isDigit) ? nil : "邮政编码「\(Normaliser.shown(p))」有误，应为6位数字"
    }

    /// What is wrong with an e-mail address, or nil.
    public static func emailProblem(_ e: String) -> String? {
        isEmail(e) ? nil : "电子邮箱「\(Normaliser.shown(e, limit: 40))」格式有误，应如 name@example.com"
    }

    public static func isEmail(_ e: String) -> Bool {
        let parts = e.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !e.contains(" ") else { return false }
        let domain = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return domain.count >= 2 && domain.allSatisfy { !$0.isEmpty } && e.allSatisfy(\.isASCII)
    }

    static func blank(_ s: String) -> Bool { s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
    static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
}
