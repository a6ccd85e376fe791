import Foundation
import Hummingbird
import HummingbirdTesting
import Rules
import Testing

@testable import Web

/// Issue 16 through the web page's routes: past dates, IDs ending in 000 confirmed in the posted draft,
/// the same name with two numbers as a warning, one date/time tidy.
@Suite("Web: dates, identities, confirmations")
struct TrustRoutesTests {
    func check(_ draft: [String: Any], today: CivilDate = CivilDate(year: 2026, month: 12, day: 2)!) async throws -> [String: Any] {
        let server = try await makeServer(today: today)
        let body = try jsonBuffer(draft)
        let answer = Answered()
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/api/check", method: .post, headers: sameOrigin, body: body) { r in
                #expect(r.status == .ok)
                answer.data = Data(r.body.readableBytesView)
            }
        }
        return try JSONSerialization.jsonObject(with: answer.data) as? [String: Any] ?? [:]
    }

    func problems(_ answer: [String: Any]) -> [(field: String, message: String)] {
        (answer["problems"] as? [[String: Any]] ?? []).map { ($0["field"] as? String ?? "", $0["message"] as? String ?? "") }
    }

    @Test("a visit date before the server's today is 日期已过 on visit.date, and not renderable")
    func pastDate() async throws {
        var draft = try exampleDraft()
        draft["visit"] = ["date": "2026-12-01", "office": "科技园文化广场"]
        let answer = try await check(draft)
        #expect(answer["renderable"] as? Bool == false)
        #expect(problems(answer).contains { $0.field == "visit.date" && $0.message.hasPrefix("日期已过") })
        let visit = (answer["checklist"] as? [String: Any])?["visit"] as? [String: Any]
        #expect(visit?["status"] as? String == "past" && visit?["complete"] as? Bool == false)
    }

    @Test("an ID ending in 000: refused with the tick box's words; accepted with confirmedIdNumbers in the draft")
    func confirmedIdNumbers() async throws {
        var draft = try exampleDraft()
        var handler = try #require(draft["handler"] as? [String: Any])
        handler["idNumber"] = "440305197712015000"
        draft["handler"] = handler
        let refused = problems(try await check(draft)).first { $0.field == "handler.idNumber" }
        #expect(refused?.message.contains("号码确以 000 结尾，已核对原件") == true && refused?.message.contains("Excel") == false)
        draft["confirmedIdNumbers"] = ["440305197712015000"]
        let answer = try await check(draft)
        #expect(problems(answer).isEmpty, "\(problems(answer))")
        #expect(answer["renderable"] as? Bool == true)
    }

    @Test("one field alone: an ID ending in 000 is refused unless the posted confirmedIdNumbers holds it")
    func fieldCheckHonoursConfirmation() async throws {
        let server = try await makeServer()
        let refused = Answered()
        let accepted = Answered()
        let plain = try jsonBuffer(["field": "handler.idNumber", "value": "440305197712015000"])
        let confirmed = try jsonBuffer(["field": "handler.idNumber", "value": "440305197712015000", "confirmedIdNumbers": ["440305197712015000"]])
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/api/field", method: .post, headers: sameOrigin, body: plain) { r in
                refused.data = Data(r.body.readableBytesView)
            }
            try await client.execute(uri: "/api/field", method: .post, headers: sameOrigin, body: confirmed) { r in
                accepted.data = Data(r.body.readableBytesView)
            }
        }
        let a = try JSONSerialization.jsonObject(with: refused.data) as? [String: Any] ?? [:]
        let b = try JSONSerialization.jsonObject(with: accepted.data) as? [String: Any] ?? [:]
        #expect((a["problem"] as? String)?.contains("以 000 结尾") == true)
        #expect(b["problem"] is NSNull, "\(b)")
    }

    @Test("the same name with two numbers is returned as a warning, not a problem")
    func sameNameWarning() async throws {
        var draft = try exampleDraft()
        var handler = try #require(draft["handler"] as? [String: Any])
        let lr = try #require(draft["legalRepresentative"] as? [String: Any])
        handler["name"] = lr["name"]
        draft["handler"] = handler
        let answer = try await check(draft)
        #expect(problems(answer).isEmpty)
        let warnings = answer["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.contains("法定代表人与经办人同名") }, "\(warnings)")
    }

    @Test("one number under two names is refused naming both places")
    func oneNumberTwoNames() async throws {
        var draft = try exampleDraft()
        var handler = try #require(draft["handler"] as? [String: Any])
        let lr = try #require(draft["legalRepresentative"] as? [String: Any])
        handler["idNumber"] = lr["idNumber"]
        draft["handler"] = handler
        let p = problems(try await check(draft)).first { $0.field == "handler.idNumber" }
        #expect(p?.message.contains("经办人（handler）") == true && p?.message.contains("法定代表人（legalRepresentative）") == true)
    }

    @Test("a time typed 10:00:00 is tidied by the normaliser to 10:00")
    func timeWithSeconds() async throws {
        var draft = try exampleDraft()
        draft["visit"] = ["date": "2026-12-07", "time": "10:00:00", "office": "科技园文化广场"]
        let answer = try await check(draft)
        #expect(problems(answer).isEmpty, "\(problems(answer))")
        #expect(((answer["application"] as? [String: Any])?["visit"] as? [String: Any])?["time"] as? String == "10:00")
    }
}

/// The body of an answer, carried out of the test client's closure.
private final class Answered: @unchecked Sendable { var data = Data() }
