import Foundation
import GRDB
import Input
import Rules

extension Roster {
    /// The roster as a batch workbook: the batch template's columns (a holder a row, as
    /// `certpack batch` reads them) and the roster's 备注 columns for certificates, which `batch`
    /// ignores and `roster import` reads back. Each organisation is written as a 续期 of its valid
    /// certificates (新办 when it has none), so the workbook is also a batch ready to run.
    public func exportWorkbook(now: Date = Date()) throws -> XLSXWorkbook {
        let headers = BatchSchema.columns.map(\.header) + RosterColumns.all
        let col = Dictionary(uniqueKeysWithValues: headers.enumerated().map { ($1, $0) })
        let field = Dictionary(uniqueKeysWithValues: BatchSchema.columns.enumerated().map { ($1.field, $0) })
        var rows: [[XLSXWorkbook.Value?]] = [headers.map { .text($0) }]
        try pool.read { db in
            for uscc in try String.fetchAll(db, sql: "SELECT uscc FROM organisation ORDER BY name, uscc") {
                guard let card = try Self.card(db, uscc: uscc), let legal = card.legalRepresentative else { continue }
                let valid = card.certificates.filter { $0.status == .valid }
                let odc = valid.first { $0.kind == .odc }
                let personal = valid.filter { $0.kind == .personal }
                var row = [XLSXWorkbook.Value?](repeating: nil, count: headers.count)
                func set(_ f: String, _ v: String?) { if let v, !v.isEmpty, let i = field[f] { row[i] = .text(v) } }
                func note(_ h: String, _ v: String?) { if let v, !v.isEmpty { row[col[h]!] = .text(v) } }
                let o = card.organisation
                set("organization.name", o.name)
                set("organization.uscc", o.uscc)
                set("organization.address", o.address)
                set("organization.postcode", o.postcode)
                set("organization.phone", o.phone)
                set("legalRepresentative.name", legal.name)
                set("legalRepresentative.idType", legal.idType.label)
                set("legalRepresentative.idNumber", legal.idNumber)
                set("legalRepresentative.mobile", legal.mobile)
                if let h = card.handler {
                    set("handler.name", h.name)
                    set("handler.idType", h.idType.label)
                    set("handler.idNumber", h.idNumber)
                    set("handler.mobile", h.mobile)
                    set("handler.email", h.email)
                }
                let serial = odc?.serial ?? personal.first?.serial
                set("service", serial == nil ? Service.new.label : Service.renew.label)
                set("existingCertificate.serial", serial)
                if odc != nil || valid.isEmpty { set("certificates.odc.years", "1") }
                if !personal.isEmpty { set("certificates.personal.years", String(personal.compactMap(\.years).max() ?? 1)) }
                func dated(_ d: CivilDate?, _ estimated: Bool) -> String? {
                    d.map { $0.description + (estimated ? RosterColumns.estimatedMark : "") }
                }
                if let odc {
                    note(RosterColumns.odcSerial, odc.serial)
                    note(RosterColumns.odcIssued, odc.issuedOn?.description)
                    note(RosterColumns.odcUntil, dated(odc.validUntil, odc.estimated))
                }
                // One row per holder: the organisation's row carries the first.
                var holderRows = personal.isEmpty ? [nil] : personal.map { Optional($0) }
                var first = true
                while !holderRows.isEmpty {
                    let c = holderRows.removeFirst()
                    if !first {
                        row = [XLSXWorkbook.Value?](repeating: nil, count: headers.count)
                        set("organization.uscc", o.uscc)
                    }
                    first = false
                    if let c,
                        let p = card.people.first(where: { $0.person.idNumber == c.holderIDNumber && $0.role == .holder })?.person
                            ?? card.people.first(where: { $0.person.idNumber == c.holderIDNumber })?.person
                    {
                        set("holder.name", p.name)
                        set("holder.idType", p.idType.label)
                        set("holder.idNumber", p.idNumber)
                        set("holder.mobile", p.mobile)
                        set("holder.title", p.title)
                        note(RosterColumns.holderSerial, c.serial)
                        note(RosterColumns.holderYears, c.years.map(String.init))
                        note(RosterColumns.holderIssued, c.issuedOn?.description)
                        note(RosterColumns.holderUntil, dated(c.validUntil, c.estimated))
                    }
                    rows.append(row)
                }
            }
        }
        var sheet = XLSXWorkbook.Sheet(name: "批量", rows: rows)
        sheet.boldRows = [1]
        sheet.frozenRows = 1
        sheet.textColumns = Set(0..<headers.count)
        return XLSXWorkbook(sheets: [sheet])
    }
}
