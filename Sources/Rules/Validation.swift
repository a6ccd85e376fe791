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
    /// Checks an application's data; an empty list means it is valid.
    public static func validate(_ app: Application) -> [ValidationIssue] {
        var out: [ValidationIssue] = []
        func issue(_ f: String, _ m: String) { out.append(ValidationIssue(field: f, message: m)) }

        // 机构信息
        let org = app.organization
        if blank(org.name) { issue("organization.name", "单位名称不能为空") }
        if let m = usccProblem(org.uscc) { issue("organization.uscc", m) }
        if blank(org.address) { issue("organization.address", "单位地址不能为空") }
        if let p = org.postcode, !p.isEmpty, !(p.count == 6 && p.allSatisfy(isDigit)) {
            issue("organization.postcode", "邮政编码「\(p)」有误，应为6位数字")
        }
        if let p = org.phone, !p.isEmpty, let m = phoneProblem(p) { issue("organization.phone", m) }

        // People
        out += personIssues(app.legalRepresentative, at: "legalRepresentative")
        out += personIssues(app.handler, at: "handler")
        if let e = app.handler.email, !e.isEmpty, !isEmail(e) {
            issue("handler.email", "电子邮箱「\(e)」格式有误，应如 name@example.com")
        }
        if let holders = app.holders {
            if app.certificates.personal != nil, holders.isEmpty {
                issue("holders", "机构个人证书至少需要一位证书持有人（不填则默认为法定代表人）")
            }
            var seen: [String: Int] = [:]
            for (i, h) in holders.enumerated() {
                out += personIssues(h, at: "holders[\(i)]")
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
            issue("existingCertificate.serial", "原证书序列号「\(serial)」只能含字母和数字")
        }
        if app.service == .change {
            if let items = app.change?.items, !items.isEmpty {
                for (i, c) in items.enumerated() {
                    if blank(c.item) { issue("change.items[\(i)].item", "变更事项不能为空，例如 单位名称、法定代表人") }
                    if blank(c.to) { issue("change.items[\(i)].to", "变更后的内容不能为空") }
                    if blank(c.from) { issue("change.items[\(i)].from", "变更前的内容不能为空") }
                }
            } else {
                issue("change.items", "变更业务须列出变更事项（事项、变更前、变更后）")
            }
        } else if let items = app.change?.items, !items.isEmpty {
            issue("change", "只有变更业务才填写变更事项（当前业务：\(app.service.label)）")
        }

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

        if let t = app.visit?.time, ClockTime(t) == nil { issue("visit.time", "到访时间「\(t)」有误，应为 HH:MM，如 09:30") }
        out += FieldLimits.issues(app)
        return out
    }

    /// `validate(_:)` plus checks that need the catalog (the visit office exists).
    public static func validate(_ app: Application, catalog: Catalog) -> [ValidationIssue] {
        var out = validate(app)
        if let o = app.visit?.office, !o.isEmpty {
            do { _ = try catalog.office(named: o) } catch { out.append(ValidationIssue(field: "visit.office", message: "\(error)")) }
        }
        return out
    }

    static func personIssues(_ p: Person, at path: String) -> [ValidationIssue] {
        var out: [ValidationIssue] = []
        if blank(p.name) { out.append(.init(field: "\(path).name", message: "姓名不能为空")) }
        if let m = idProblem(p.idNumber, type: p.idType) { out.append(.init(field: "\(path).idNumber", message: m)) }
        if let m = mobileProblem(p.mobile) { out.append(.init(field: "\(path).mobile", message: m)) }
        return out
    }

    // MARK: - Single-value checks (nil when fine)

    /// What is wrong with a 统一社会信用代码, or nil.
    public static func usccProblem(_ code: String) -> String? {
        let chars = Array(code)
        if chars.isEmpty { return "统一社会信用代码不能为空，应为18位" }
        if chars.count != 18 { return "统一社会信用代码应为18位，实为\(chars.count)位" }
        if let bad = chars.first(where: { !CheckDigits.usccAlphabet.contains($0) }) {
            return "统一社会信用代码含非法字符「\(bad)」：只能用数字和大写字母（不含 I、O、S、V、Z）"
        }
        let expected = CheckDigits.usccCheckCharacter(String(chars[0..<17]))!
        if chars[17] != expected {
            return "统一社会信用代码校验位错误：末位应为「\(expected)」，实为「\(chars[17])」（GB 32100-2015），请核对营业执照"
        }
        return nil
    }

    /// What is wrong with an ID number of a given 证件类型, or nil.
    public static func idProblem(_ id: String, type: IDType) -> String? {
        if id.isEmpty { return "证件号码不能为空" }
        let chars = Array(id)
        switch type {
        case .residentID:
            guard chars.count == 18 else { return "居民身份证号码应为18位，实为\(chars.count)位" }
            guard chars[0..<17].allSatisfy(isDigit) else { return "居民身份证号码前17位应为数字" }
            if chars[17] == "x" { return "居民身份证号码末位校验码 X 应为大写" }
            guard isDigit(chars[17]) || chars[17] == "X" else { return "居民身份证号码末位应为数字或 X" }
            guard CheckDigits.residentIDBirthDate(id) != nil else {
                return "居民身份证号码第7–14位「\(String(chars[6..<14]))」不是有效的出生日期（应为 YYYYMMDD）"
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

    /// Mainland mobile: 11 digits starting with 1.
    public static func mobileProblem(_ m: String) -> String? {
        if m.isEmpty { return "手机号码不能为空（深圳CA以短信告知证书密码）" }
        guard m.count == 11, m.allSatisfy(isDigit), m.first == "1" else {
            return "手机号码「\(m)」有误，应为以 1 开头的 11 位数字"
        }
        return nil
    }

    /// Other phones: digits, spaces, -, +, ( ); at least 7 digits.
    public static func phoneProblem(_ p: String) -> String? {
        let allowed = Set("0123456789 -+()")
        guard p.allSatisfy({ allowed.contains($0) }), p.filter(isDigit).count >= 7 else {
            return "电话号码「\(p)」有误，只能含数字、空格、-、+、( )，至少 7 位数字，如 0755-8888 6666"
        }
        return nil
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
