import Foundation
import Rules

extension BatchSchema {
    /// Columns that hold codes, ID numbers, phones, postcodes and serials: text, never numbers
    /// (a number loses an ID's last digits and a phone's leading 0).
    public static let textFields: Set<String> = [
        "organization.uscc", "organization.postcode", "organization.phone",
        "legalRepresentative.idNumber", "legalRepresentative.mobile",
        "handler.idNumber", "handler.mobile", "existingCertificate.serial",
        "holder.idNumber", "holder.mobile",
    ]
}

/// The batch template as a workbook (`certpack batch --template 批量.xlsx`): sheet 「批量」 to fill
/// (bold frozen header with a note on each column, code/ID/phone columns formatted as text, dropdowns
/// for the closed lists), 「示例」 with one organisation and two holders (never read: only 批量, or
/// the first sheet, is), and 「说明」 on how to fill it.
public enum BatchTemplate {
    /// Rows of 批量 that get the dropdowns and the text format in advance.
    public static let fillableRows = 2...1001

    /// What a header's note says when the schema's note is empty.
    static let notes: [String: String] = [
        "organization.address": "营业执照上的住所",
        "legalRepresentative.name": "与营业执照一致",
        "legalRepresentative.mobile": "11 位手机号",
        "handler.name": "到场办理或网上提交的人",
        "holder.idType": "空 = 居民身份证",
        "holder.mobile": "11 位手机号",
    ]

    /// The example organisation: 仁和药房 (Examples/batch.csv), 续期, with two holders on two rows.
    static let example: [[String: String]] = [
        [
            "单位名称": "深圳市福田区仁和药房连锁有限公司", "统一社会信用代码": "91440304MA5EXK7C0C", "单位地址": "深圳市福田区福华路88号仁和大厦1楼",
            "法定代表人姓名": "王海峰", "法定代表人证件号码": "440304197506082134", "法定代表人手机": "13600001111",
            "经办人姓名": "赵敏", "经办人证件号码": "44030419880115342X", "经办人手机": "13600002222",
            "业务类型": "续期", "机构证书年限": "1", "法人证书年限": "2", "原证书序列号": "A1B2C3D4E5F60718",
            "办理日期": "2026-12-08", "办理时间": "10:00", "受理点": "龙岗受理点", "填表日期": "2026-12-01",
            "持证人姓名": "王海峰", "持证人证件号码": "440304197506082134", "持证人手机": "13600001111", "持证人职务": "法定代表人",
        ],
        [
            "统一社会信用代码": "91440304MA5EXK7C0C",
            "持证人姓名": "赵敏", "持证人证件号码": "44030419880115342X", "持证人手机": "13600002222", "持证人职务": "药房经理",
        ],
    ]

    static let instructions = [
        "CertPack 批量模板：填写说明",
        "",
        "1. 在「批量」工作表中填写，每家单位一行，从第 2 行开始；第 1 行是表头，不要改动。把鼠标停在表头上可看到每一列的填写要求。",
        "2. 统一社会信用代码、证件号码、手机、电话、邮编、原证书序列号各列已设为「文本」格式：直接输入即可，号码不会变成 4.40305E+17，开头的 0 也不会丢失。从别处粘贴时请用「选择性粘贴 → 值」，以免带入数字格式。",
        "3. 业务类型、办理方式、证件类型、证书年限、受理点可从下拉列表中选择。",
        "4. 多位持证人：在该单位下面加一行，填同一个统一社会信用代码和「持证人…」各列，其余各列留空；每行一位持证人。第一行的持证人各列留空 = 由法定代表人持证。",
        "5. 「示例」工作表是一家单位、两位持证人的填法，仅供参考，不会被读取（CertPack 只读「批量」工作表）。",
        "6. 日期写作 2026-12-07 或 2026/12/7，也可以是 Excel 的日期；时间写作 10:00。",
        "7. 表头为「备注…」的列不读取，可以加在最右边自用。",
        "8. 填好后保存为 .xlsx，然后：certpack batch 批量.xlsx --check（只检查），certpack batch 批量.xlsx（生成）。",
        "",
        "若另存为 CSV，请选「CSV UTF-8（逗号分隔）」；.xls、.et、.numbers、.ods 不能直接读取，请另存为 .xlsx。",
    ]

    /// The template workbook; `offices` are the 受理点 offered in the dropdown.
    public static func workbook(offices: [String]) -> XLSXWorkbook {
        let columns = BatchSchema.columns
        let header: [XLSXWorkbook.Value?] = columns.map { .text($0.header) }
        let text = Set(columns.indices.filter { BatchSchema.textFields.contains(columns[$0].field) })

        var fill = XLSXWorkbook.Sheet(name: "批量", rows: [header])
        fill.boldRows = [1]
        fill.frozenRows = 1
        fill.textColumns = text
        fill.notes = columns.enumerated().map { i, c in
            let what = c.note.isEmpty ? (notes[c.field] ?? "") : c.note
            return .init(row: 1, column: i, text: c.header + (what.isEmpty ? "" : "：" + what))
        }
        let idTypes = IDType.allCases.map(\.label)
        let lists: [(String, [String], Bool)] = [
            ("service", Service.allCases.map(\.label), true),
            ("channel", Channel.allCases.map(\.label), true),
            ("legalRepresentative.idType", idTypes, true),
            ("handler.idType", idTypes, true),
            ("holder.idType", idTypes, true),
            ("certificates.odc.years", ["1"], true),
            ("certificates.personal.years", ["1", "2", "3", "4", "5"], true),
            ("visit.office", offices, false),
        ]
        for (field, values, strict) in lists where !values.isEmpty {
            guard let c = columns.firstIndex(where: { $0.field == field }) else { continue }
            fill.validations.append(.init(column: c, rows: fillableRows, values: values, strict: strict))
        }
        // Wide enough for the header and a typical value (an 18-digit ID, a company name).
        let typical: [String: String] = [
            "单位名称": "深圳市南山区康宁诊所有限公司", "单位地址": "深圳市南山区科技南十二路18号",
            "经办人邮箱": "name@example.com.cn", "变更事项": "单位名称：旧名→新名",
        ]
        for (i, c) in columns.enumerated() {
            let sample = typical[c.header] ?? (c.field.hasSuffix("idNumber") || c.field == "organization.uscc" ? "440305198003121235" : "")
            fill.widths[i] = Double(min(max(XLSXWorkbook.displayWidth(c.header), XLSXWorkbook.displayWidth(sample)) + 3, 40))
        }

        var example = XLSXWorkbook.Sheet(
            name: "示例", rows: [header] + Self.example.map { row in columns.map { c in row[c.header].map { .text($0) } } })
        example.boldRows = [1]
        example.frozenRows = 1
        example.textColumns = text

        var help = XLSXWorkbook.Sheet(name: "说明", rows: instructions.map { [.text($0)] })
        help.boldRows = [1]
        help.wrapColumns = [0]
        help.widths = [0: 100]

        return XLSXWorkbook(sheets: [fill, example, help])
    }
}
