import Foundation
import Rules

// One file for the way rows become applications (≈500 lines): the reader, the grouping of rows into
// organisations and the record builder share private types (`Group`, `RecordBuilder`) that no other
// file should see.

/// A problem in one row of a batch: the spreadsheet line, the column as headed, and what is wrong.
public struct BatchIssue: Sendable, Equatable, CustomStringConvertible {
    /// The spreadsheet line, or for a YAML/JSON list the item number.
    public var line: Int
    public var column: String
    public var message: String
    /// 行 for CSV rows, 项 for the items of a YAML/JSON list.
    public var unit: String = "行"
    public var description: String { "第 \(line) \(unit)「\(column)」：\(message)" }

    public init(line: Int, column: String, message: String, unit: String = "行") {
        self.line = line
        self.column = column
        self.message = message
        self.unit = unit
    }
}

/// One organisation of a batch: its application, or the problems that keep it from being one.
public struct BatchRecord: Sendable {
    /// The spreadsheet line the organisation starts on (or the item number of a YAML/JSON list).
    public var line: Int
    /// 单位名称 as given (for the summary even when the row is bad).
    public var name: String
    /// 统一社会信用代码 as given (for the summary even when the row is bad).
    public var uscc: String = ""
    public var application: Application?
    public var issues: [BatchIssue]
    /// 行 for spreadsheet rows, 项 for the items of a YAML/JSON list (as its issues say it).
    public var unit: String = "行"
    public var isValid: Bool { application != nil && issues.isEmpty }

    public init(line: Int, name: String, uscc: String = "", application: Application?, issues: [BatchIssue]) {
        self.line = line
        self.name = name
        self.uscc = uscc
        self.application = application
        self.issues = issues
    }
}

/// A batch file that cannot be read at all.
public struct BatchFileError: Error, CustomStringConvertible {
    public var file: String
    public var detail: String
    public var description: String { "\(file): \(detail)" }
}

public enum BatchInput {
    /// The column letter Excel shows for a 0-based column index: A…Z, AA….
    public static func excelColumn(_ index: Int) -> String {
        var n = index + 1
        var s = ""
        while n > 0 {
            let r = (n - 1) % 26
            s = String(UnicodeScalar(UInt8(65 + r))) + s
            n = (n - 1) / 26
        }
        return s
    }

    /// Reads a batch: an .xlsx workbook (the sheet 批量, else the first), CSV, or a YAML/JSON list of
    /// applications. Every record is checked with `Validator`; problems are attached to their record,
    /// never thrown. .xls, .xlsb, .numbers and .ods are recognised and refused with what to do.
    public static func read(url: URL, encoding forced: TextEncoding? = nil, catalog: Catalog? = nil) throws -> [BatchRecord] {
        // Every input path through the one safe open first: a FIFO, a device or a huge file is refused
        // before anything (the format sniffing, the zip reader) opens it.
        do { try InputFile.check(url, limit: InputFile.batchLimit) } catch let e as InputFile.Refusal {
            throw BatchFileError(file: url.path, detail: e.reason)
        }
        let kind = SpreadsheetKind.of(url)
        if let refusal = kind.refusal { throw BatchFileError(file: url.path, detail: refusal) }
        if kind == .xlsx {
            let sheet: XLSXReader.Sheet
            do { sheet = try XLSXReader.read(url: url, preferring: "批量") } catch {
                throw BatchFileError(file: url.path, detail: "\(error)")
            }
            return resolvingCopies(try records(rows: sheet.rows.map(SheetRow.init), file: url.path, catalog: catalog), of: url)
        }
        let data: Data
        do { data = try InputFile.read(url, limit: InputFile.batchLimit) } catch let e as InputFile.Refusal {
            throw BatchFileError(file: url.path, detail: e.reason)
        } catch {
            throw BatchFileError(file: url.path, detail: ApplicationLoader.unreadable(url))
        }
        if kind == .yamlOrJSON {
            let decoded: [Result<Application, ApplicationLoadError>]
            do { decoded = try ApplicationLoader.loadListByRecord(url: url) } catch {
                throw BatchFileError(file: url.path, detail: "\(error)")
            }
            var seen: [String: Int] = [:]  // 统一社会信用代码 → item: one organisation, one pack folder
            return decoded.enumerated().map { n, result in
                switch result {
                case let .success(app):
                    var issues = (catalog.map { Validator.validate(app, catalog: $0, entry: .file) } ?? Validator.validate(app, entry: .file))
                        .map { BatchIssue(line: n + 1, column: $0.field, message: $0.message, unit: "项") }
                    let code = app.organization.uscc.uppercased()
                    if let first = seen[code], !code.isEmpty {
                        issues.append(
                            BatchIssue(
                                line: n + 1, column: "organization.uscc",
                                message:
                                    "与第 \(first) 项是同一单位（统一社会信用代码相同）：一家单位只写一项，多位持证人写在该项的 holders 列表里", unit: "项"))
                    } else {
                        seen[code] = n + 1
                    }
                    var record = BatchRecord(line: n + 1, name: app.organization.name, uscc: app.organization.uscc, application: app, issues: issues)
                    record.unit = "项"
                    return record
                case let .failure(error):
                    // In a list the "line" of a record is its item number; the error carries the file line.
                    let field = (error.field ?? "").replacingOccurrences(of: "[\(n)].", with: "")
                    let message = error.line.map { "（第 \($0) 行）\(error.message)" } ?? error.message
                    return BatchRecord(
                        line: n + 1, name: "第 \(n + 1) 项", application: nil,
                        issues: [BatchIssue(line: n + 1, column: field, message: message, unit: "项")])
                }
            }
        }
        // Excel's 「Unicode 文本」: UTF-16 with a byte-order mark, tab-separated.
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]), let text = String(data: data, encoding: .utf16) {
            return resolvingCopies(try records(csv: text, file: url.path, catalog: catalog), of: url)
        }
        if let problem = TextEncoding.notText(data) { throw BatchFileError(file: url.path, detail: problem) }
        guard let (text, _) = TextEncoding.decode(data, forced: forced) else {
            throw BatchFileError(
                file: url.path,
                detail: forced.map {
                    "文件不是有效的 \($0 == .utf8 ? "UTF-8" : "GBK/GB18030") 文本（--encoding \($0.rawValue)）：去掉 --encoding 让程序自动识别，或请在 Excel 中另存为「CSV UTF-8（逗号分隔）」"
                }
                    ?? "文件既不是 UTF-8 也不是 GBK 文本：请在 Excel 中另存为「CSV UTF-8（逗号分隔）」")
        }
        return resolvingCopies(try records(csv: text, file: url.path, catalog: catalog), of: url)
    }

    /// The records with their pictures' file names taken relative to the batch file's folder.
    static func resolvingCopies(_ records: [BatchRecord], of url: URL) -> [BatchRecord] {
        records.map { r in
            var r = r
            let copies = r.application?.copies?.resolved(against: url.deletingLastPathComponent())
            r.application?.copies = copies
            return r
        }
    }

    /// Turns CSV text (or tab-separated text, recognised by its first line) into records, one per organisation.
    public static func records(csv text: String, file: String, catalog: Catalog? = nil) throws -> [BatchRecord] {
        let rows: [CSVReader.Row]
        do { rows = try CSVReader.parse(text, separator: CSVReader.separator(of: text)) } catch let e as CSVReader.Malformed {
            throw BatchFileError(file: file, detail: e.description)
        }
        return try records(rows: rows.map(SheetRow.init), file: file, catalog: catalog)
    }

    /// Turns the rows of a sheet (CSV or .xlsx, the header first) into records, one per organisation.
    public static func records(rows: [SheetRow], file: String, catalog: Catalog? = nil) throws -> [BatchRecord] {
        let start = "请从 certpack batch --template 生成的表头开始"
        guard let header = rows.first else { throw BatchFileError(file: file, detail: "文件是空的：\(start)") }
        var columns: [Int: BatchColumn] = [:]
        var unknown: [String] = []
        var firstOf: [String: Int] = [:]  // field → its first column
        var duplicated: [String] = []
        for (i, name) in header.fields.enumerated() {
            let trimmed = Normaliser.trimmed(name)
            if trimmed.isEmpty || trimmed.hasPrefix("备注") || trimmed.hasPrefix("#") { continue }
            guard let c = BatchSchema.column(named: trimmed) else {
                unknown.append("第 \(excelColumn(i)) 列「\(Normaliser.shown(trimmed, limit: 16))」")
                continue
            }
            if let first = firstOf[c.field] {
                // The second copy would silently win: say so instead.
                duplicated.append("「\(c.header)」列出现了两次（第 \(excelColumn(first)) 列和第 \(excelColumn(i)) 列）")
                continue
            }
            firstOf[c.field] = i
            columns[i] = c
        }
        if !duplicated.isEmpty {
            throw BatchFileError(
                file: file, detail: duplicated.prefix(3).joined(separator: "；") + (duplicated.count > 3 ? "…" : "") + "：每列只能有一个，请删去多余的一列")
        }
        if !unknown.isEmpty {
            if unknown.count > 3 && columns.isEmpty {
                throw BatchFileError(file: file, detail: "第一行不是认识的表头，这不像是批量申请表：\(start)")
            }
            throw BatchFileError(
                file: file,
                detail: "不认识的列：\(unknown.prefix(3).joined(separator: "、"))\(unknown.count > 3 ? " 等 \(unknown.count) 列" : "")。"
                    + "列名应与 certpack batch --template 的表头一致（以「备注」开头的列会被忽略）")
        }
        // A column every row needs is said missing once, for the file, not as an empty cell on every row.
        for required in ["organization.uscc", "service", "legalRepresentative.idNumber", "handler.idNumber"]
        where !columns.values.contains(where: { $0.field == required }) {
            throw BatchFileError(file: file, detail: "缺少「\(BatchSchema.header(forField: required))」列：\(start)")
        }

        // Group rows into organisations: every row with the same 统一社会信用代码 is the same organisation
        // (wherever it is); a row with only 持证人 columns and no code belongs to the organisation above.
        var groups: [Group] = []
        var byCode: [String: Int] = [:]
        var previous: Int? = nil  // the organisation of the row above
        var numbers: [Int: Set<String>] = [:]  // row → fields whose cell is a number in the workbook
        for row in rows.dropFirst() {
            var values: [String: String] = [:]
            for (i, field) in row.fields.enumerated() {
                guard let column = columns[i] else { continue }
                if row.numbers.contains(i) { numbers[row.row, default: []].insert(column.field) }
                let v = Normaliser.normalise(field, kind: Normaliser.kind(ofField: column.field))
                if !v.isEmpty { values[column.field] = v }
            }
            if values.isEmpty { continue }
            let holder = values.filter { $0.key.hasPrefix("holder.") }
            let code = values["organization.uscc"]
            let holderOnly = !holder.isEmpty && values.count == holder.count + (code == nil ? 0 : 1)
            let owner: Int? = code.flatMap { byCode[$0] } ?? ((code == nil && holderOnly) ? previous : nil)
            if let g = owner {
                previous = g
                // A further row of an organisation: its other columns are empty or repeat the first row's.
                let first = groups[g]
                for column in BatchSchema.columns where !column.field.hasPrefix("holder.") && column.field != "organization.uscc" {
                    guard let value = values[column.field], first.values[column.field] != value else { continue }
                    let field = column.field
                    let shown = { (v: String) in field.hasSuffix("idNumber") ? maskID(v) : v }  // ID numbers are never echoed whole
                    groups[g].issues.append(
                        BatchIssue(
                            line: row.row, column: BatchSchema.header(forField: field),
                            message:
                                "与第 \(first.line) 行是同一单位（统一社会信用代码相同），但这一列不同：「\(Normaliser.shown(shown(value)))」≠「\(first.values[field].map { Normaliser.shown(shown($0)) } ?? "空")」。"
                                + "同一单位写成多行时，只有「持证人…」各列可以不同（每行一位持证人），其余各列留空或与第 \(first.line) 行相同"))
                }
                if !holder.isEmpty { groups[g].holders.append((holder, row.row)) }
                continue
            }
            if holderOnly {
                let message =
                    code.map { "这一行只填了持证人，但统一社会信用代码「\(Normaliser.shown($0))」不属于表中任何单位；持证人行须写所属单位的统一社会信用代码（或紧接在该单位下面留空）" }
                    ?? "这一行只填了持证人，上面没有所属的单位；请写在该单位的行下面"
                previous = nil
                groups.append(
                    Group(
                        values: values, line: row.row, holders: [], ownHolder: false, orphan: true,
                        issues: [BatchIssue(line: row.row, column: BatchSchema.header(forField: "organization.uscc"), message: message)]))
                continue
            }
            if let code { byCode[code] = groups.count }
            previous = groups.count
            groups.append(
                Group(
                    values: values, line: row.row, holders: holder.isEmpty ? [] : [(holder, row.row)],
                    ownHolder: !holder.isEmpty, orphan: false, issues: []))
        }
        return groups.map { record($0, catalog: catalog, numbers: numbers) }
    }

    /// The rows of one organisation: its first row, and the holders named on it and on further rows.
    private struct Group {
        var values: [String: String]
        /// The spreadsheet row of the first row.
        var line: Int
        var holders: [(values: [String: String], line: Int)]
        /// The first row names a 持证人 itself (else, when further rows name holders, the legal representative is the first).
        var ownHolder: Bool
        /// A row of 持证人 columns that belongs to no organisation.
        var orphan: Bool
        /// Problems found while grouping (a further row that contradicts the first).
        var issues: [BatchIssue]
    }

    /// One organisation's record: its application built from the cells, and every problem on the row
    /// (and holder row) where it is.
    private static func record(_ group: Group, catalog: Catalog?, numbers: [Int: Set<String>] = [:]) -> BatchRecord {
        let line = group.line
        if group.orphan {
            // A holder row that belongs to no organisation: that one problem says it all.
            return BatchRecord(line: line, name: "第 \(line) 行", uscc: group.values["organization.uscc"] ?? "", application: nil, issues: group.issues)
        }
        var b = RecordBuilder(group: group, issues: group.issues)
        let app = b.application()
        let mangled = b.numberCellProblems(numbers: numbers)
        if app.service != nil {
            b.validationProblems(app.value, catalog: catalog, skipping: mangled)
        }
        let name = b.s("organization.name").isEmpty ? "第 \(line) 行" : b.s("organization.name")
        return BatchRecord(
            line: line, name: name, uscc: group.values["organization.uscc"] ?? "",
            application: b.issues.isEmpty ? app.value : nil, issues: b.issues)
    }

    /// Builds one organisation's application from its rows, collecting the problems of each cell.
    private struct RecordBuilder {
        let group: Group
        var issues: [BatchIssue]
        /// The legal representative stands first among the holders without a row of their own.
        var impliedLegalRepresentative = false

        var v: [String: String] { group.values }
        var line: Int { group.line }
        var holders: [(values: [String: String], line: Int)] { group.holders }

        mutating func problem(_ field: String, _ message: String, at l: Int? = nil) {
            issues.append(BatchIssue(line: l ?? line, column: BatchSchema.header(forField: field), message: message))
        }
        func s(_ f: String) -> String { v[f] ?? "" }

        mutating func idType(_ f: String, _ values: [String: String], _ l: Int) -> IDType {
            guard let text = values[f] else { return .residentID }
            if let t = IDType.parse(text) { return t }
            problem(f, "证件类型「\(Normaliser.shown(text))」无法识别；应为 \(IDType.allCases.map(\.label).joined(separator: "、"))", at: l)
            return .residentID
        }

        mutating func years(_ f: String) -> Int? {
            guard let text = v[f] else { return nil }
            if ["是", "y", "yes", "√", "✓", "办理"].contains(text.lowercased()) { return 1 }
            if let n = Int(text.replacingOccurrences(of: "年", with: "")) { return n }
            problem(f, "年限「\(Normaliser.shown(text))」应为数字（如 1）或留空")
            return nil
        }

        /// A date cell, already put in the model's form by the normaliser when it is a date.
        mutating func date(_ f: String) -> CivilDate? {
            guard let text = v[f] else { return nil }
            if let d = CivilDate(typed: text) { return d }
            problem(f, "日期「\(Normaliser.shown(text))」有误，应为 YYYY-MM-DD（如 2026-12-07）")
            return nil
        }

        /// 变更事项: 事项：旧→新, several separated by ；.
        mutating func change() -> ChangeDetails? {
            guard let text = v["change.items"] else { return nil }
            var items: [ChangeItem] = []
            for part in text.split(whereSeparator: { $0 == "；" || $0 == ";" || $0 == "\n" }) {
                let p = String(part).trimmingCharacters(in: .whitespaces)
                guard !p.isEmpty else { continue }
                let kv = p.split(maxSplits: 1, whereSeparator: { $0 == "：" || $0 == ":" })
                let arrow = kv.count == 2 ? kv[1].components(separatedBy: "→").flatMap { $0.components(separatedBy: "->") } : []
                if kv.count == 2 && arrow.count == 2 {
                    items.append(
                        ChangeItem(
                            item: String(kv[0]).trimmingCharacters(in: .whitespaces),
                            from: arrow[0].trimmingCharacters(in: .whitespaces), to: arrow[1].trimmingCharacters(in: .whitespaces)))
                } else {
                    problem("change.items", "变更事项「\(Normaliser.shown(p))」应写作 事项：旧→新（如 单位名称：甲公司→乙公司），多项用；分隔")
                }
            }
            return ChangeDetails(items: items)
        }

        /// 已核对证件号码: numbers separated by ；(or ; , 、 and spaces).
        func confirmedIdNumbers() -> [String]? {
            guard let text = v["confirmedIdNumbers"] else { return nil }
            let numbers = text.split { "；;,，、".contains($0) || $0.isWhitespace }.map { Normaliser.normalise(String($0), kind: .idNumber) }
            return numbers.isEmpty ? nil : numbers
        }

        /// The legal representative and the holders; empty 持证人 columns on the first row mean the legal
        /// representative, also when further rows add holders.
        mutating func people() -> (legalRepresentative: Person, holders: [Person]) {
            var holderPeople: [Person] = []
            for h in holders {
                let type = idType("holder.idType", h.values, h.line)
                holderPeople.append(
                    Person(
                        name: h.values["holder.name"] ?? "", idType: type, idNumber: h.values["holder.idNumber"] ?? "",
                        mobile: h.values["holder.mobile"] ?? "", title: h.values["holder.title"]))
            }
            let lrType = idType("legalRepresentative.idType", v, line)
            let lr = Person(
                name: s("legalRepresentative.name"), idType: lrType, idNumber: s("legalRepresentative.idNumber"),
                mobile: s("legalRepresentative.mobile"))
            impliedLegalRepresentative = !group.ownHolder && !holderPeople.isEmpty && !holderPeople.contains { $0.idNumber == lr.idNumber }
            if impliedLegalRepresentative {
                var first = lr
                first.title = "法定代表人"
                holderPeople.insert(first, at: 0)
            }
            return (lr, holderPeople)
        }

        /// Pictures for the copy pages: file names; an ID card needs both sides.
        mutating func copies() -> Copies {
            func card(_ who: String) -> IDCardImages? {
                let front = v["copies.\(who).front"]
                let back = v["copies.\(who).back"]
                if let front, let back { return IDCardImages(front: CopyImage(file: front), back: CopyImage(file: back)) }
                if front != nil || back != nil {
                    problem("copies.\(who).\(front == nil ? "front" : "back")", "身份证复印件要正反两面：请同时给出正面和反面图片，或两列都留空（则照常复印）")
                }
                return nil
            }
            let lr = card("legalRepresentative")
            let handler = card("handler")
            return Copies(businessLicence: v["copies.businessLicence"].map { CopyImage(file: $0) }, legalRepresentative: lr, handler: handler)
        }

        /// The application of the rows (normalised), and its service when one could be read.
        mutating func application() -> (value: Application, service: Service?) {
            let service = v["service"].flatMap(Service.parse)
            if v["service"] == nil {
                problem("service", "业务类型必填：新办、续期、变更、解锁、介质补办 或 吊销")
            } else if service == nil {
                problem("service", "业务类型「\(Normaliser.shown(v["service"]!))」无法识别；应为 新办、续期、变更、解锁、介质补办 或 吊销")
            }
            var channel = Channel.onsite
            if let text = v["channel"] {
                if let c = Channel.parse(text) { channel = c } else { problem("channel", "办理方式「\(Normaliser.shown(text))」应为 现场办理 或 网上办理") }
            }
            let odcYears = years("certificates.odc.years")
            let personalYears = years("certificates.personal.years")
            let change = change()
            let (legalRepresentative, holderPeople) = people()
            let handlerType = idType("handler.idType", v, line)
            let copies = copies()
            let visit =
                (v["visit.date"] != nil || v["visit.time"] != nil || v["visit.office"] != nil)
                ? PlannedVisit(date: date("visit.date"), time: v["visit.time"], office: v["visit.office"]) : nil
            let app = Normaliser.normalise(
                Application(
                    organization: Organization(
                        name: s("organization.name"), uscc: s("organization.uscc"), address: s("organization.address"),
                        postcode: v["organization.postcode"], phone: v["organization.phone"]),
                    legalRepresentative: legalRepresentative,
                    handler: Person(
                        name: s("handler.name"), idType: handlerType, idNumber: s("handler.idNumber"),
                        mobile: s("handler.mobile"), email: v["handler.email"]),
                    holders: holderPeople.isEmpty ? nil : holderPeople,
                    service: service ?? .new,
                    certificates: Certificates(odc: odcYears.map(ODCRequest.init(years:)), personal: personalYears.map(PersonalRequest.init(years:))),
                    channel: channel,
                    existingCertificate: v["existingCertificate.serial"].map { ExistingCertificate(serial: $0) },
                    change: change, visit: visit, applicationDate: date("applicationDate"), confirmedIdNumbers: confirmedIdNumbers(),
                    copies: copies.isEmpty ? nil : copies))
            return (app, service)
        }

        /// In an .xlsx a number is a number. One kept exactly is accepted: a mobile of 11 digits, a
        /// postcode of 6, a phone that still has all its digits (the phone check says when the 0 of an
        /// area code is gone). An ID, a code or a serial stored so may have lost its last digits: said once,
        /// on its row; the check-digit complaint about the same cell is not. Returns the fields said so.
        mutating func numberCellProblems(numbers: [Int: Set<String>]) -> Set<String> {
            var mangled: Set<String> = []
            func exact(_ value: String, digits: Int) -> Bool { value.count == digits && value.allSatisfy { $0.isASCII && $0.isNumber } }
            func storedAsNumber(_ value: String?, field: String, report: String, at l: Int) {
                guard let value, numbers[l]?.contains(report) == true else { return }
                let kind = report.split(separator: ".").last.map(String.init) ?? report
                switch kind {
                case "mobile" where exact(value, digits: 11): return
                case "postcode" where exact(value, digits: 6): return
                case "phone": return  // Validator.phoneProblem names a lost leading 0
                case "postcode":
                    mangled.insert(field)
                    problem(report, "「\(Normaliser.shown(value))」在工作簿中存成了数字，不是文本：邮政编码开头的 0 已丢失（应为 6 位）。请把这一列设为「文本」格式后重新输入", at: l)
                    return
                default: break
                }
                mangled.insert(field)
                problem(
                    report,
                    "「\(Normaliser.shown(value))」在工作簿中存成了数字，不是文本：号码的后几位或开头的 0 可能已丢失。请把这一列设为「文本」格式后重新输入（certpack batch --template 批量.xlsx 的模板已设好）",
                    at: l)
            }
            for f in [
                "organization.uscc", "organization.postcode", "organization.phone", "legalRepresentative.idNumber", "legalRepresentative.mobile",
                "handler.idNumber", "handler.mobile", "existingCertificate.serial",
            ] {
                storedAsNumber(v[f], field: f, report: f, at: line)
            }
            for (n, h) in holders.enumerated() {
                let index = n + (impliedLegalRepresentative ? 1 : 0)
                for f in ["idNumber", "mobile"] {
                    storedAsNumber(h.values["holder." + f], field: "holders[\(index)].\(f)", report: "holder." + f, at: h.line)
                }
            }
            return mangled
        }

        /// Validator's problems, each on the row that holds the value: holders[n] on the row that named
        /// that holder, the legal representative's under 法定代表人….
        mutating func validationProblems(_ app: Application, catalog: Catalog?, skipping mangled: Set<String>) {
            let found = catalog.map { Validator.validate(app, catalog: $0, entry: .spreadsheet) } ?? Validator.validate(app, entry: .spreadsheet)
            for issue in found where !mangled.contains(issue.field) {
                var at = line
                if issue.field.hasPrefix("holders["), let close = issue.field.firstIndex(of: "]"),
                    var n = Int(issue.field[issue.field.index(issue.field.startIndex, offsetBy: 8)..<close])
                {
                    if impliedLegalRepresentative {
                        if n == 0 { continue }  // the legal representative's problems are reported under 法定代表人…
                        n -= 1
                    }
                    if n >= 0 && n < holders.count { at = holders[n].line }
                }
                problem(issue.field, rowsNamed(in: issue.message), at: at)
            }
        }

        /// "与 holders[j] 证件号码重复" names the row of holder j, as the spreadsheet shows it.
        func rowsNamed(in text: String) -> String {
            var message = text
            if let r = message.range(of: #"holders\[\d+\]"#, options: .regularExpression),
                var j = Int(message[r].dropFirst(8).dropLast())
            {
                var who = ""
                if impliedLegalRepresentative {
                    if j == 0 { who = "第 \(line) 行的法定代表人" }
                    j -= 1
                }
                if who.isEmpty, j >= 0, j < holders.count { who = "第 \(holders[j].line) 行的持证人" }
                if !who.isEmpty { message.replaceSubrange(r, with: who) }
            }
            return message
        }
    }
}
