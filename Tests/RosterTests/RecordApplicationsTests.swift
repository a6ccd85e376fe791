import Foundation
import Rules
import Testing

@testable import Roster

/// The packs of a batch recorded at once (`certpack batch`, `roster renew`, the web's batches).
@Suite struct RecordApplicationsTests {
    @Test("a batch's packs are recorded in one go; one that conflicts with the roster is left out, said, and the others stay")
    func oneConflictLeavesTheOthers() throws {
        let (roster, _) = try Make.roster()
        let today = Make.day("2026-12-01")
        try roster.importItems([ImportItem(place: "1", application: Make.application(1))], today: today)
        // Organisation 2's 法定代表人 carries the ID number of organisation 1's under another name.
        let clash = Make.application(2, legal: Make.person("王五", 1, born: "19800101"))
        let refused = try roster.recordApplications(
            [(Make.application(1), String(repeating: "a", count: 64)), (clash, nil), (Make.application(3), nil)], today: today)
        #expect(Array(refused.keys) == [1])
        #expect(refused[1]?.contains("王五") == true)
        #expect(try roster.card(uscc: Make.uscc(1))?.applications.map(\.packSHA256) == [String(repeating: "a", count: 64)])
        #expect(try roster.card(uscc: Make.uscc(2)) == nil)
        #expect(try roster.card(uscc: Make.uscc(3))?.applications.count == 1)
        // The list's table took the recorded ones in, once each at the end, and not the one left out.
        try ListTableTests.agree(roster)
        #expect(try roster.list().map(\.uscc).sorted() == [1, 3].map(Make.uscc))
    }
}
