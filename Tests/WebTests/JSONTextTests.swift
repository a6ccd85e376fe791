import Foundation
import Testing

@testable import Web

/// The 机构库 lists' JSON, written by hand for speed, against Foundation's `JSONEncoder`.
@Suite struct JSONTextTests {
    typealias Entry = RosterRoutes.EntryView

    static func parsed(_ bytes: [UInt8]) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary)
    }

    @Test("a list page reads back as the same JSON JSONEncoder writes: every member, nil ones left out, any text escaped")
    func sameAsJSONEncoder() throws {
        let odd = "引号\"反斜杠\\换行\n回车\r制表\t响铃\u{07}删除\u{7F}表情😀 ／全角"
        let view = RosterRoutes.ListView(
            total: 20_000, days: 90, offset: 100,
            entries: [
                Entry(
                    uscc: "91440300MA5000001K", name: odd, legalRepresentative: "陈志1",
                    certificate: .init(
                        id: 7, kind: "personal", label: "法人证书（陈志1）", serial: "SZCA\u{0}01", issuedOn: "2026-01-10",
                        validUntil: "2027-01-09", daysLeft: -3, estimated: true, status: "有效", holderName: "陈志1")),
                Entry(uscc: "91440300MA5000002N", name: "第二家", legalRepresentative: nil, certificate: nil),
                Entry(
                    uscc: "91440300MA5000003X", name: "第三家", legalRepresentative: "",
                    certificate: .init(
                        id: 9, kind: "odc", label: "机构证书", serial: nil, issuedOn: nil, validUntil: nil, daysLeft: nil, estimated: false,
                        status: "有效", holderName: nil)),
            ])
        #expect(try Self.parsed(view.json) == Self.parsed(Array(try JSONEncoder().encode(view))))
        let noDays = RosterRoutes.ListView(total: 0, days: nil, offset: 0, entries: [])
        #expect(try Self.parsed(noDays.json) == Self.parsed(Array(try JSONEncoder().encode(noDays))))
        #expect(String(decoding: noDays.json, as: UTF8.self) == #"{"total":0,"offset":0,"entries":[]}"#)
    }
}
