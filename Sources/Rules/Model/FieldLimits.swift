/// How long a free-text value may be: every form of the pack is laid out to hold these at ≥ 7 pt
/// (Examples/long-values.yaml pins it), so a value within its limit always prints, and one beyond it
/// is refused by the data check with the limit named — never by a layout error the user cannot act on.
public enum FieldLimits {
    /// 单位名称: the longest names on 营业执照 run to about 50 characters.
    public static let organizationName = 60
    /// 单位地址
    public static let address = 80
    /// A person's name, 间隔号 · and Latin letters included (买买提·艾力·阿卜杜热合曼·…).
    public static let personName = 30
    /// 电子邮箱 (characters).
    public static let email = 60
    /// 单位电话 (characters, spaces and dashes included).
    public static let phone = 30
    /// 职务 of a holder on the 附页.
    public static let title = 20
    /// 原证书序列号 (characters).
    public static let serial = 40
    /// 变更事项's name (单位名称, 法定代表人, …).
    public static let changeItem = 20

    /// The limit of a 变更事项's before/after values: that of the field it changes.
    public static func changeValue(item: String) -> Int {
        switch item.trimmingCharacters(in: .whitespaces) {
        case "单位名称", "名称": organizationName
        case "法定代表人", "法人", "legalRepresentative": personName
        default: address
        }
    }

    /// Every value of `app` longer than its limit, as data problems naming the field and the limit.
    public static func issues(_ app: Application) -> [ValidationIssue] {
        var out: [ValidationIssue] = []
        func check(_ value: String?, _ field: String, _ label: String, _ limit: Int, unit: String = "个字", note: String = "") {
            guard let value, value.count > limit else { return }
            out.append(ValidationIssue(field: field, message: "\(label)最多 \(limit) \(unit)\(note)，现为 \(value.count) \(unit)"))
        }
        let org = app.organization
        check(org.name, "organization.name", "单位名称", organizationName, note: "（按营业执照填写）")
        check(org.address, "organization.address", "单位地址", address)
        check(org.phone, "organization.phone", "单位电话", phone, unit: "个字符")
        func person(_ p: Person, _ path: String) {
            check(p.name, "\(path).name", "姓名", personName, note: "（含间隔号 ·）")
            check(p.email, "\(path).email", "电子邮箱", email, unit: "个字符")
            check(p.title, "\(path).title", "职务", title)
        }
        person(app.legalRepresentative, "legalRepresentative")
        person(app.handler, "handler")
        for (i, h) in (app.holders ?? []).enumerated() { person(h, "holders[\(i)]") }
        check(app.existingCertificate?.serial, "existingCertificate.serial", "原证书序列号", serial, unit: "个字符")
        for (i, c) in (app.change?.items ?? []).enumerated() {
            check(c.item, "change.items[\(i)].item", "变更事项", changeItem)
            let limit = changeValue(item: c.item)
            check(c.from, "change.items[\(i)].from", "变更前的内容", limit)
            check(c.to, "change.items[\(i)].to", "变更后的内容", limit)
        }
        return out
    }
}
