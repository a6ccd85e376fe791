import Foundation
import Input
import Rules

/// The roster's own columns in a batch workbook. They start with 备注, so `certpack batch` reads the
/// same workbook and ignores them; `roster import` reads them back (the roster round-trips through Excel).
public enum RosterColumns {
    public static let odcSerial = "备注：机构证书序列号"
    public static let odcIssued = "备注：机构证书签发日期"
    public static let odcUntil = "备注：机构证书有效期至"
    public static let holderSerial = "备注：持证人证书序列号"
    public static let holderYears = "备注：持证人证书年限"
    public static let holderIssued = "备注：持证人证书签发日期"
    public static let holderUntil = "备注：持证人证书有效期至"
    public static let all = [odcSerial, odcIssued, odcUntil, holderSerial, holderYears, holderIssued, holderUntil]
    /// The mark after a date worked out from issue date and years.
    public static let estimatedMark = "（估算）"
}

/// What a file to import holds: the organisations to record, or the problems that stop the import.
public struct ImportFile: Sendable {
    public var items: [ImportItem]
    /// Every problem of every record (data checks as `certpack batch` makes them), ID numbers masked.
    public var problems: [String]
}

public enum RosterFiles {
    /// Rows a roster workbook may hold (a holder a row): more than a batch's, for 20 000 organisations.
    static let rowLimit = 250_000

    /// Reads an applicant file (YAML/JSON), a list of them, or a batch sheet (CSV, .xlsx) with the
    /// same checks as `certpack batch`, plus the roster's own 备注 columns.
    public static func read(_ url: URL, catalog: Catalog?) throws -> ImportFile {
        let kind = SpreadsheetKind.of(url)
        if let refusal = kind.refusal { throw RosterError.invalid("\(url.path)：\(refusal)") }
        var rows: [SheetRow]?
        let records: [BatchRecord]
        switch kind {
        case .xlsx:
            var limits = XLSXReader.Limits()
            limits.rows = rowLimit
            do {
                let sheet = try XLSXReader.read(url: url, preferring: "批量", limits: limits)
                rows = sheet.rows.map(SheetRow.init)
            } catch { throw RosterError.invalid("\(url.path)：\(error)") }
            records = try BatchInput.records(rows: rows!, file: url.path, catalog: catalog)
        case .yamlOrJSON:
            // One applicant, or a list of them.
            if let one = try? ApplicationLoader.load(url: url) {
                let issues = catalog.map { Validator.validate(one, catalog: $0) } ?? Validator.validate(one)
                return ImportFile(
                    items: issues.isEmpty ? [ImportItem(place: url.lastPathComponent, application: one)] : [],
                    problems: issues.map { maskIDNumbers(in: "\(url.lastPathComponent)：\($0.field)：\($0.message)") })
            } else {
                records = try BatchInput.read(url: url, catalog: catalog)
            }
        default:
            records = try BatchInput.read(url: url, catalog: catalog)
            if let data = try? Data(contentsOf: url), let (text, _) = TextEncoding.decode(data),
                let parsed = try? CSVReader.parse(text, separator: CSVReader.separator(of: text))
            {
                rows = parsed.map(SheetRow.init)
            }
        }
        var problems: [String] = []
        for r in records { for issue in r.issues { problems.append(maskIDNumbers(in: "\(url.lastPathComponent)：\(r.name)：\(issue)")) } }
        let known = rows.map(certificates(in:)) ?? [:]
        let unit = kind == .yamlOrJSON ? "项" : "行"
        let items = records.compactMap { r in
            r.application.map { ImportItem(place: "第 \(r.line) \(unit)", application: $0, certificates: known[$0.organization.uscc] ?? []) }
        }
        return ImportFile(items: items, problems: problems)
    }

    /// The certificates the 备注 columns state, by 统一社会信用代码.
    static func certificates(in rows: [SheetRow]) -> [String: [KnownCertificate]] {
        guard let header = rows.first else { return [:] }
        var index: [String: Int] = [:]
        for (i, name) in header.fields.enumerated() {
            let h = Normaliser.trimmed(name)
            if RosterColumns.all.contains(h) { index[h] = i } else if let c = BatchSchema.column(named: h) { index[c.field] = i }
        }
        guard index.keys.contains(where: { RosterColumns.all.contains($0) }) else { return [:] }
        func cell(_ row: SheetRow, _ key: String) -> String? {
            guard let i = index[key], i < row.fields.count else { return nil }
            let v = Normaliser.trimmed(row.fields[i])
            return v.isEmpty ? nil : v
        }
        func date(_ text: String?) -> (CivilDate?, Bool) {
            guard var t = text else { return (nil, false) }
            let estimated = t.hasSuffix(RosterColumns.estimatedMark)
            if estimated { t = String(t.dropLast(RosterColumns.estimatedMark.count)) }
            return (CivilDate(typed: t) ?? CivilDate(t), estimated)
        }
        var out: [String: [KnownCertificate]] = [:]
        var current: String?
        var legal: [String: String] = [:]
        for row in rows.dropFirst() {
            if let code = cell(row, "organization.uscc") { current = Normaliser.normalise(code, kind: .code) }
            guard let uscc = current else { continue }
            if legal[uscc] == nil, let id = cell(row, "legalRepresentative.idNumber") { legal[uscc] = Normaliser.normalise(id, kind: .code) }
            if let serial = cell(row, RosterColumns.odcSerial), !(out[uscc] ?? []).contains(where: { $0.kind == .odc && $0.serial == serial }) {
                let (issued, _) = date(cell(row, RosterColumns.odcIssued))
                let (until, est) = date(cell(row, RosterColumns.odcUntil))
                out[uscc, default: []].append(
                    KnownCertificate(kind: .odc, serial: serial, years: 1, issuedOn: issued, validUntil: until, estimated: est))
            }
            if let serial = cell(row, RosterColumns.holderSerial) {
                let holder = cell(row, "holder.idNumber").map { Normaliser.normalise($0, kind: .code) } ?? legal[uscc]
                let (issued, _) = date(cell(row, RosterColumns.holderIssued))
                let (until, est) = date(cell(row, RosterColumns.holderUntil))
                out[uscc, default: []].append(
                    KnownCertificate(
                        kind: .personal, holderIDNumber: holder, serial: serial,
                        years: cell(row, RosterColumns.holderYears).flatMap { Int($0) },
                        issuedOn: issued, validUntil: until, estimated: est))
            }
        }
        return out
    }
}
