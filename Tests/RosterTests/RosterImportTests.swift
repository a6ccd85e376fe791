import Foundation
import GRDB
import Rules
import Testing

@testable import Roster

/// Import: all or nothing, updates on re-import, conflicts reported instead of overwritten.
@Suite struct RosterImportTests {
    @Test("import records the organisation, its people and their roles; re-import updates instead of duplicating")
    func importAndReimport() throws {
        let (roster, _) = try Make.roster()
        let first = try roster.importItems([ImportItem(place: "第 2 行", application: Make.application(1))], today: Make.day("2026-01-05"))
        #expect(first.organisationsAdded == 1 && first.peopleAdded == 2)
        var changed = Make.application(1)
        changed.organization.address = "深圳市南山区新地址1号"
        changed.handler.mobile = "13700000001"
        let second = try roster.importItems([ImportItem(place: "第 2 行", application: changed)], today: Make.day("2026-02-01"))
        #expect(second.organisationsAdded == 0 && second.organisationsUpdated == 1 && second.peopleAdded == 0)
        let card = try #require(try roster.card(uscc: Make.uscc(1)))
        #expect(card.organisation.address == "深圳市南山区新地址1号")
        #expect(card.handler?.mobile == "13700000001")
        #expect(card.current(.legalRepresentative).count == 1)
        #expect(card.current(.holder).map(\.name) == ["陈志1"])
    }

    @Test("a new 法定代表人 on re-import: the old one's role ends that day, the new one's starts")
    func newLegalRepresentative() throws {
        let (roster, _) = try Make.roster()
        try roster.importItems([ImportItem(place: "1", application: Make.application(1))], today: Make.day("2026-01-05"))
        try roster.importItems(
            [ImportItem(place: "1", application: Make.application(1, legal: Make.person("王新", 501)))], today: Make.day("2026-03-01"))
        let card = try #require(try roster.card(uscc: Make.uscc(1)))
        #expect(card.legalRepresentative?.name == "王新")
        let old = try #require(card.people.first { $0.person.name == "陈志1" && $0.role == .legalRepresentative })
        #expect(old.until == Make.day("2026-03-01"))
    }

    @Test("conflict: the same 统一社会信用代码 under another name without a 变更 is reported and nothing is written")
    func renamedWithoutChange() throws {
        let (roster, _) = try Make.roster()
        try roster.importItems([ImportItem(place: "第 2 行", application: Make.application(1))])
        let renamed = Make.application(1, name: "深圳市南山区另一个名字诊所")
        let other = Make.application(2)
        let error = #expect(throws: ImportConflicts.self) {
            try roster.importItems([ImportItem(place: "第 2 行", application: other), ImportItem(place: "第 3 行", application: renamed)])
        }
        #expect(error?.conflicts.count == 1)
        #expect(error?.description.contains("第 3 行") == true && error?.description.contains("深圳市南山区第1号康宁诊所有限公司") == true)
        // All or nothing: the valid organisation 2 is not there either, and 1 keeps its name.
        #expect(try roster.card(uscc: Make.uscc(2)) == nil)
        #expect(try roster.card(uscc: Make.uscc(1))?.organisation.name == "深圳市南山区第1号康宁诊所有限公司")
    }

    @Test("a 变更 of 单位名称 (from the roster's name to the new one) renames and keeps the earlier name")
    func renamedByChange() throws {
        let (roster, _) = try Make.roster()
        try roster.importItems([ImportItem(place: "1", application: Make.application(1))], today: Make.day("2026-01-05"))
        var change = Make.application(1, name: "深圳市南山区仁心诊所有限公司", service: .change, serial: "ABC123")
        change.change = ChangeDetails(items: [ChangeItem(item: "单位名称", from: "深圳市南山区第1号康宁诊所有限公司", to: "深圳市南山区仁心诊所有限公司")])
        try roster.importItems([ImportItem(place: "1", application: change)], today: Make.day("2026-04-01"))
        let card = try #require(try roster.card(uscc: Make.uscc(1)))
        #expect(card.organisation.name == "深圳市南山区仁心诊所有限公司")
        #expect(card.earlierNames == [.init(name: "深圳市南山区第1号康宁诊所有限公司", until: Make.day("2026-04-01"))])
    }

    @Test("conflict: one 证件号码 under two names — against the roster and within one file — masked in the message")
    func oneIDTwoNames() throws {
        let (roster, _) = try Make.roster()
        try roster.importItems([ImportItem(place: "第 2 行", application: Make.application(1))])
        var sameID = Make.application(2)
        sameID.legalRepresentative = Person(name: "张冒名", idNumber: Make.id(1), mobile: "13800000009")
        let e1 = #expect(throws: ImportConflicts.self) { try roster.importItems([ImportItem(place: "第 5 行", application: sameID)]) }
        let text = e1?.description ?? ""
        #expect(text.contains("第 5 行") && text.contains("陈志1") && text.contains("张冒名"))
        #expect(!text.contains(Make.id(1)) && text.contains(maskID(Make.id(1))))

        var a = Make.application(3)
        var b = Make.application(4)
        a.handler = Person(name: "甲", idNumber: Make.id(77), mobile: "13800000077")
        b.handler = Person(name: "乙", idNumber: Make.id(77), mobile: "13800000077")
        let e2 = #expect(throws: ImportConflicts.self) {
            try roster.importItems([ImportItem(place: "第 2 行", application: a), ImportItem(place: "第 3 行", application: b)])
        }
        #expect(e2?.description.contains("在第 2 行是「甲」") == true)
        #expect(try roster.list().count == 1)
    }

    @Test("conflict: a certificate whose printed last day differs from the roster's; an estimate is replaced by a printed date")
    func certificateDates() throws {
        let (roster, _) = try Make.roster()
        let estimated = KnownCertificate(kind: .odc, serial: "S1", years: 1, issuedOn: Make.day("2025-12-10"))
        try roster.importItems([ImportItem(place: "1", application: Make.application(1), certificates: [estimated])])
        var c = try #require(try roster.card(uscc: Make.uscc(1))?.certificates.first)
        #expect(c.validUntil == Make.day("2026-12-09") && c.estimated)
        let printed = KnownCertificate(kind: .odc, serial: "S1", validUntil: Make.day("2026-12-12"))
        try roster.importItems([ImportItem(place: "1", application: Make.application(1), certificates: [printed])])
        c = try #require(try roster.card(uscc: Make.uscc(1))?.certificates.first)
        #expect(c.validUntil == Make.day("2026-12-12") && !c.estimated)
        let other = KnownCertificate(kind: .odc, serial: "S1", validUntil: Make.day("2026-11-30"))
        let e = #expect(throws: ImportConflicts.self) {
            try roster.importItems([ImportItem(place: "第 9 行", application: Make.application(1), certificates: [other])])
        }
        #expect(e?.description.contains("S1") == true && e?.description.contains("2026-12-12") == true)
    }

    @Test("export → import into a new roster: the same organisations, people, certificates (with 估算) — the roster round-trips through Excel")
    func exportRoundTrip() throws {
        let (roster, url) = try Make.roster()
        var two = Make.application(2)
        let holder = Make.person("赵持证", 300, born: "19850505")
        two.holders = [two.legalRepresentative, holder]
        try roster.importItems([
            ImportItem(
                place: "1", application: Make.application(1),
                certificates: [
                    KnownCertificate(kind: .odc, serial: "ODC1", years: 1, issuedOn: Make.day("2026-01-10"), validUntil: Make.day("2027-01-09")),
                    KnownCertificate(kind: .personal, holderIDNumber: Make.id(1), serial: "P1", years: 3, issuedOn: Make.day("2026-01-10")),
                ]),
            ImportItem(
                place: "2", application: two,
                certificates: [
                    KnownCertificate(
                        kind: .personal, holderIDNumber: two.legalRepresentative.idNumber, serial: "P2A", years: 2, issuedOn: Make.day("2025-06-01")),
                    KnownCertificate(
                        kind: .personal, holderIDNumber: holder.idNumber, serial: "P2B", years: 1, issuedOn: Make.day("2025-06-01"),
                        validUntil: Make.day("2026-05-31")),
                ]),
        ])
        let xlsx = url.deletingLastPathComponent().appendingPathComponent("机构库.xlsx")
        try roster.exportWorkbook().data().write(to: xlsx)
        let read = try RosterFiles.read(xlsx, catalog: nil)
        #expect(read.problems.isEmpty, "\(read.problems)")
        let copy = url.deletingLastPathComponent().appendingPathComponent("copy.sqlite")
        let other = try Roster.create(at: copy)
        try other.importItems(read.items)
        for n in 1...2 {
            let a = try #require(try roster.card(uscc: Make.uscc(n)))
            let b = try #require(try other.card(uscc: Make.uscc(n)))
            #expect(a.organisation == b.organisation)
            #expect(Set(a.people.map(\.person.idNumber)) == Set(b.people.map(\.person.idNumber)))
            func certs(_ c: OrganisationCard) -> [String] {
                c.certificates.map { "\($0.kind) \($0.serial ?? "") \($0.holderIDNumber ?? "") \($0.validUntil?.description ?? "") \($0.estimated)" }
                    .sorted()
            }
            #expect(certs(a) == certs(b))
        }
        // And importing the export into the roster it came from changes nothing.
        let again = try roster.importItems(read.items)
        #expect(again.organisationsAdded == 0 && again.certificatesAdded == 0 && again.peopleAdded == 0)
    }
}
