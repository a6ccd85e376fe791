import Foundation

/// One problem with an application: the field (`organization.uscc`, `holders[1].idNumber`) and
/// what is wrong, in Chinese, with what is expected.
public struct ValidationIssue: Sendable, Equatable, CustomStringConvertible, Codable {
    public var field: String
    public var message: String
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
    public var description: String { "\(field): \(message)" }
}

/// Where an application was typed: the advice in a message follows it (a spreadsheet rounds long
/// numbers, a YAML file does not; the web page has a tick box).
public enum EntryPath: Sendable, Equatable {
    /// A YAML or JSON applicant file.
    case file
    /// A CSV or .xlsx batch.
    case spreadsheet
    /// The web page's form.
    case web
}

/// The data checks of RULES.md: every failure of a record, together.
public enum Validator {
    /// Checks an application's data; an empty list means it is valid. `today` (Asia/Shanghai) is for
    /// birth dates in the future and a visit date in the past. Give it a normalised application
    /// (`Normaliser.normalise`): what the normaliser would fix is reported here. `entry` says where the
    /// data was typed, for advice that fits it.
    public static func validate(_ app: Application, today: CivilDate = .today(), entry: EntryPath = .file) -> [ValidationIssue] {
        var out: [ValidationIssue] = []
        func issue(_ f: String, _ m: String) { out.append(ValidationIssue(field: f, message: m)) }
        let confirmed = confirmedNumbers(app)
        func personIssues(_ p: Person, at path: String, today: CivilDate) -> [ValidationIssue] {
            Validator.personIssues(p, at: path, today: today, confirmed: confirmed, entry: entry)
        }

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
                issue("channel", onlineRouteMissing(app.service))
            }
        }

        if let t = app.visit?.time, ClockTime(t) == nil { issue("visit.time", "到访时间「\(Normaliser.shown(t))」有误，应为 HH:MM，如 09:30") }
        if let d = app.visit?.date, d < today { issue("visit.date", VisitPlanner.pastMessage(d, today: today)) }
        out += oneNumberOnePerson(app)
        out += FieldLimits.issues(app)
        return out
    }

    /// `validate(_:)` plus checks that need the catalog (the visit office exists).
    public static func validate(_ app: Application, catalog: Catalog, today: CivilDate = .today(), entry: EntryPath = .file) -> [ValidationIssue] {
        var out = validate(app, today: today, entry: entry)
        if let o = app.visit?.office, !o.isEmpty {
            if let m = textProblem(o, label: "受理点", required: false) {
                out.append(ValidationIssue(field: "visit.office", message: m))
                return out
            }
            do { _ = try catalog.office(named: o) } catch { out.append(ValidationIssue(field: "visit.office", message: "\(error)")) }
        }
        return out
    }

    /// A service the guide lists no online route for: said as what the guide says (it lists 网上办理 for
    /// 新办 of the 机构个人证书 and for 续期 only), not as a rule of its own.
    public static func onlineRouteMissing(_ service: Service) -> String {
        "指南未列出\(service.label)的网上办理途径（网上办理只列有机构个人证书新办和续期），请现场办理"
    }

    /// 变更 of the 法定代表人: the forms and the new 法人证书 (「若法人变更,则按新申请流程办理新法人证书」) are
    /// for `legalRepresentative`, who must be the person the change is to.
    static func legalRepresentativeChangeIssues(_ app: Application) -> [ValidationIssue] {
        guard app.service == .change else { return [] }
        let name = app.legalRepresentative.name.trimmingCharacters(in: .whitespaces)
        return (app.change?.items ?? []).enumerated().compactMap { i, c in
            let to = c.to.trimmingCharacters(in: .whitespaces)
            guard c.isLegalRepresentative, !to.isEmpty, !name.isEmpty, to != name else { return nil }
            return ValidationIssue(
                field: "change.items[\(i)].to",
                message: "变更后的法定代表人「\(to)」与法定代表人姓名（legalRepresentative.name）「\(name)」不一致：法定代表人一栏应填新法定代表人")
        }
    }

    static func personIssues(
        _ p: Person, at path: String, today: CivilDate, confirmed: Set<String> = [],
        entry: EntryPath = .file
    ) -> [ValidationIssue] {
        var out: [ValidationIssue] = []
        if let m = textProblem(p.name, label: "姓名", required: true) { out.append(.init(field: "\(path).name", message: m)) }
        if let m = idProblem(p.idNumber, type: p.idType, today: today, confirmedEndingIn000: confirmed.contains(p.idNumber), entry: entry) {
            out.append(.init(field: "\(path).idNumber", message: m))
        }
        if let m = mobileProblem(p.mobile) { out.append(.init(field: "\(path).mobile", message: m)) }
        // 职务 is free text: a TAB or line break inside (a multi-line cell) is joined by the normaliser, not refused.
        if let t = p.title, let m = textProblem(Normaliser.normalise(t, kind: .text), label: "职务", required: false) {
            out.append(.init(field: "\(path).title", message: m))
        }
        return out
    }

    // MARK: - People

    /// A person of the application with where they stand: `legalRepresentative`, `handler`, `holders[1]`.
    public struct Role: Sendable {
        public var path: String
        /// 法定代表人, 经办人, 持证人 2.
        public var label: String
        public var person: Person
    }

    /// Every person named in the application, in the order of the forms.
    public static func roles(_ app: Application) -> [Role] {
        [
            Role(path: "legalRepresentative", label: "法定代表人", person: app.legalRepresentative),
            Role(path: "handler", label: "经办人", person: app.handler),
        ]
            + (app.holders ?? []).enumerated().map { Role(path: "holders[\($0)]", label: "持证人 \($0 + 1)", person: $1) }
    }

    /// One 证件号码 is one person: the same number under two different names is refused, naming both places.
    static func oneNumberOnePerson(_ app: Application) -> [ValidationIssue] {
        var first: [String: Role] = [:]
        var out: [ValidationIssue] = []
        for r in roles(app) where !r.person.idNumber.isEmpty {
            guard let f = first[r.person.idNumber] else {
                first[r.person.idNumber] = r
                continue
            }
            if f.person.name != r.person.name, !f.person.name.isEmpty, !r.person.name.isEmpty {
                out.append(
                    ValidationIssue(
                        field: "\(r.path).idNumber",
                        message:
                            "\(r.label)（\(r.path)）「\(r.person.name)」与\(f.label)（\(f.path)）「\(f.person.name)」的证件号码相同（\(maskID(r.person.idNumber))），但姓名不同：一个证件号码只能是一个人，请核对证件"
                    ))
            }
        }
        return out
    }

    /// The same name with two different 证件号码: two people may share a name, so this is a warning
    /// (`Checklist.warnings`), never a refusal and never silent. Each pair once, in form order.
    public static func sameNameDifferentNumbers(_ app: Application) -> [(Role, Role)] {
        var first: [String: [Role]] = [:]
        var out: [(Role, Role)] = []
        for r in roles(app) where !r.person.name.isEmpty && !r.person.idNumber.isEmpty {
            let earlier = first[r.person.name, default: []]
            if let f = earlier.first(where: { $0.person.idNumber != r.person.idNumber }),
                !earlier.contains(where: { $0.person.idNumber == r.person.idNumber })
            {
                out.append((f, r))
            }
            first[r.person.name, default: []].append(r)
        }
        return out
    }

    /// The numbers the applicant confirmed end in 000 (`confirmedIdNumbers`), normalised as ID numbers.
    static func confirmedNumbers(_ app: Application) -> Set<String> {
        Set((app.confirmedIdNumbers ?? []).map { Normaliser.normalise($0, kind: .idNumber) })
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
