import Foundation
import Rules

/// One column of the batch CSV: the model field it fills, its Chinese header and other accepted names.
public struct BatchColumn: Sendable {
    /// The model's field path (also accepted as the header).
    public let field: String
    /// The header `certpack batch --template` writes.
    public let header: String
    public let aliases: [String]
    /// What goes in the cell, for the README and --help.
    public let note: String
}

/// The batch CSV layout: one organisation per row; more holders of 机构个人证书 on further rows.
///
/// Several holders: copy the organisation's row down (or leave the other columns empty) and change
/// the 持证人 columns; every row with the same 统一社会信用代码 is one organisation, each row one holder.
/// A row with only 持证人 columns and no 统一社会信用代码 belongs to the organisation above it. Empty
/// 持证人 columns on an organisation's first row mean the legal representative (法人证书), who then
/// stays the first holder when further rows add others. Apart from the 持证人 columns, a further row
/// must leave a column empty or repeat the first row's value; a different value is reported.
public enum BatchSchema {
    public static let columns: [BatchColumn] = [
        .init(field: "organization.name", header: "单位名称", aliases: [], note: "营业执照上的名称"),
        .init(field: "organization.uscc", header: "统一社会信用代码", aliases: ["信用代码"], note: "18 位"),
        .init(field: "organization.address", header: "单位地址", aliases: ["地址"], note: ""),
        .init(field: "organization.postcode", header: "邮政编码", aliases: ["邮编"], note: "可空"),
        .init(field: "organization.phone", header: "单位电话", aliases: [], note: "可空"),
        .init(field: "legalRepresentative.name", header: "法定代表人姓名", aliases: ["法定代表人", "法人姓名"], note: ""),
        .init(field: "legalRepresentative.idType", header: "法定代表人证件类型", aliases: ["法人证件类型"], note: "空 = 居民身份证"),
        .init(
            field: "legalRepresentative.idNumber", header: "法定代表人证件号码", aliases: ["法人证件号码", "法定代表人身份证号码"], note: "Excel 中把这一列设为「文本」，否则会变成 4.40305E+17"
        ),
        .init(field: "legalRepresentative.mobile", header: "法定代表人手机", aliases: ["法定代表人手机号码", "法人手机"], note: ""),
        .init(field: "handler.name", header: "经办人姓名", aliases: ["经办人"], note: ""),
        .init(field: "handler.idType", header: "经办人证件类型", aliases: [], note: "空 = 居民身份证"),
        .init(field: "handler.idNumber", header: "经办人证件号码", aliases: ["经办人身份证号码"], note: "Excel 中把这一列设为「文本」，否则会变成 4.40305E+17"),
        .init(field: "handler.mobile", header: "经办人手机", aliases: ["经办人手机号码"], note: "深圳CA以短信告知证书密码"),
        .init(field: "handler.email", header: "经办人邮箱", aliases: ["经办人电子邮箱"], note: "可空"),
        .init(field: "service", header: "业务类型", aliases: [], note: "新办 续期 变更 解锁 介质补办 吊销"),
        .init(field: "channel", header: "办理方式", aliases: ["办理途径"], note: "现场办理（空）或 网上办理"),
        .init(field: "certificates.odc.years", header: "机构证书年限", aliases: ["机构证书"], note: "1（办理 ODC）或空（不办）"),
        .init(field: "certificates.personal.years", header: "法人证书年限", aliases: ["机构个人证书年限", "机构个人证书"], note: "1–5（办理法人证书）或空"),
        .init(field: "existingCertificate.serial", header: "原证书序列号", aliases: ["证书序列号"], note: "续期 变更 解锁 吊销 必填"),
        .init(field: "change.items", header: "变更事项", aliases: [], note: "单位名称：旧名→新名；法定代表人：甲→乙"),
        .init(field: "visit.date", header: "办理日期", aliases: ["到访日期"], note: "2026-12-07 或 2026/12/7"),
        .init(field: "visit.time", header: "办理时间", aliases: ["到访时间"], note: "10:00，可空"),
        .init(field: "visit.office", header: "受理点", aliases: [], note: "科技园文化广场 等，可空"),
        .init(field: "applicationDate", header: "填表日期", aliases: [], note: "可空（留空手写）"),
        .init(field: "holder.name", header: "持证人姓名", aliases: ["持证人"], note: "空 = 法定代表人"),
        .init(field: "holder.idType", header: "持证人证件类型", aliases: [], note: ""),
        .init(field: "holder.idNumber", header: "持证人证件号码", aliases: [], note: "Excel 中把这一列设为「文本」，否则会变成 4.40305E+17"),
        .init(field: "holder.mobile", header: "持证人手机", aliases: ["持证人手机号码"], note: ""),
        .init(field: "holder.title", header: "持证人职务", aliases: ["职务"], note: "可空"),
        .init(field: "confirmedIdNumbers", header: "已核对证件号码", aliases: [], note: "确以 000 结尾、已核对原件的证件号码，多个用；分隔；可空"),
        .init(field: "copies.businessLicence", header: "营业执照图片", aliases: [], note: "可空：图片文件名（JPEG 或 PNG），相对于本表格所在文件夹；给出则由本程序生成复印件页"),
        .init(field: "copies.legalRepresentative.front", header: "法定代表人身份证正面图片", aliases: ["法人身份证正面图片"], note: "可空：图片文件名，与反面一起给出"),
        .init(field: "copies.legalRepresentative.back", header: "法定代表人身份证反面图片", aliases: ["法人身份证反面图片"], note: "可空：图片文件名，与正面一起给出"),
        .init(field: "copies.handler.front", header: "经办人身份证正面图片", aliases: [], note: "可空：图片文件名，与反面一起给出"),
        .init(field: "copies.handler.back", header: "经办人身份证反面图片", aliases: [], note: "可空：图片文件名，与正面一起给出"),
    ]

    /// The header row for a new batch file (`certpack batch --template`).
    public static var templateCSV: String {
        columns.map(\.header).joined(separator: ",") + "\r\n"
    }

    /// The column a header names: its Chinese header, an alias, or the model field (any case).
    public static func column(named header: String) -> BatchColumn? {
        let h = header.trimmingCharacters(in: .whitespacesAndNewlines)
        return columns.first { $0.header == h || $0.aliases.contains(h) || $0.field.lowercased() == h.lowercased() }
    }

    /// The header a model field path is shown under (holders[2].mobile → 持证人手机).
    public static func header(forField field: String) -> String {
        var path = field
        if path.hasPrefix("holders["), let close = path.firstIndex(of: "]") {
            path = "holder" + path[path.index(after: close)...]
        }
        if path == "certificates" { return "机构证书年限/法人证书年限" }
        if path.hasPrefix("change") { return "变更事项" }
        if path.hasPrefix("holders") { return "持证人姓名" }
        return columns.first { $0.field == path }?.header ?? field
    }
}
