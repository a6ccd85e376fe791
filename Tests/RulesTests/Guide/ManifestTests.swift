import Testing

@testable import Rules

/// The cover sheet's manifest (递交材料清单): the checklist's documents sorted into what goes into the
/// envelope, what is shown, what is brought and what is obtained, and which of them bear the seal.
@Suite struct ManifestTests {
    static func item(_ id: String, _ kind: ItemKind, stamp: Bool) -> ChecklistItem {
        ChecklistItem(title: id, kind: kind, count: 1, stamp: stamp, notes: [], signer: nil, seal: nil, form: nil, id: id)
    }

    @Test func eachDocumentGoesToTheGroupOfItsKindInTheChecklistsOrder() {
        let docs = [
            Self.item("f1", .form, stamp: true), Self.item("c1", .photocopy, stamp: true), Self.item("o1", .original, stamp: false),
            Self.item("f2", .form, stamp: true), Self.item("u1", .ukey, stamp: false), Self.item("a1", .obtain, stamp: true),
            Self.item("p1", .payment, stamp: false), Self.item("c2", .photocopy, stamp: true),
        ]
        let m = Manifest(documents: docs)
        #expect(m.forms.map(\.id) == ["f1", "f2"])
        #expect(m.photocopies.map(\.id) == ["c1", "c2"])
        #expect(m.originals.map(\.id) == ["o1"])
        #expect(m.ukeys.map(\.id) == ["u1"])
        #expect(m.obtain.map(\.id) == ["a1"])
        #expect(m.payment.map(\.id) == ["p1"])
    }

    @Test func theSealGoesOnFormsAgreementsAndPhotocopiesOnlyThoseMarkedSo() {
        let docs = [
            Self.item("f1", .form, stamp: true), Self.item("f2", .form, stamp: false), Self.item("c1", .photocopy, stamp: true),
            Self.item("o1", .original, stamp: true), Self.item("a1", .obtain, stamp: true), Self.item("u1", .ukey, stamp: true),
        ]
        #expect(
            Manifest(documents: docs).stamped.map(\.id) == ["f1", "a1", "c1"],
            "forms, then what is obtained, then photocopies; never an original or a Ukey")
    }

    @Test(arguments: [Service.new, .renew, .change, .unlock, .replace, .revoke])
    func everyDocumentOfAChecklistIsInExactlyOneGroup(_ service: Service) throws {
        let checklist = try Checklist.make(for: Sample.app(service, [.odc, .personal]), catalog: catalog)
        let m = checklist.manifest
        let grouped = m.forms + m.photocopies + m.originals + m.ukeys + m.obtain + m.payment
        #expect(grouped.count == checklist.documents.count)
        #expect(Set(grouped.map(\.id)) == Set(checklist.documents.map(\.id)))
        let stamped = m.stamped
        #expect(stamped.allSatisfy { $0.stamp })
        #expect(m.originals.allSatisfy { original in !stamped.contains(original) })
    }
}
