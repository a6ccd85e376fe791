import Foundation
import Rules
import Testing

/// The one masker (`maskIDNumbers(in:)`) the CLI, the batch summaries, the web page and its logs use.
@Suite("ID numbers masked in free text")
struct MaskingTests {
    @Test("ID numbers are masked wherever they are in a message; 统一社会信用代码 and phone numbers are not")
    func masking() {
        #expect(maskIDNumbers(in: "「440305198003121235」≠「440305199212255672」") == "「440305********1235」≠「440305********5672」")
        #expect(maskIDNumbers(in: "idNumber: 44030519800312123X,") == "idNumber: 440305********123X,")
        #expect(maskIDNumbers(in: "校验位不对：440305198003121230") == "校验位不对：440305********1230", "a mistyped number too")
        #expect(maskIDNumbers(in: "440305800312123") == "440305*****2123", "the old 15-digit format")
        for kept in ["91440305MA5DPL4W0G-深圳市南山区康宁诊所有限公司", "13823456789", "154 739 697 600 74", "ID 440305198003121235999"] {
            #expect(maskIDNumbers(in: kept) == kept)
        }
    }

    @Test("an ID number standing alone is masked 6 + 4")
    func standingAlone() {
        #expect(maskIDNumbers(in: "pdf: 440305198003121235 ok") == "pdf: 440305********1235 ok")
        #expect(maskIDNumbers(in: "44030519800312123X") == "440305********123X")
    }

    @Test("an ID number inside a longer run of letters is masked too (a log line's path)")
    func embeddedInLetters() {
        #expect(maskIDNumbers(in: "GET /x440305198003121235abc 200") == "GET /x440305********1235abc 200")
        #expect(maskIDNumbers(in: "/draft/id440305198003121235.pdf") == "/draft/id440305********1235.pdf")
        #expect(maskIDNumbers(in: "a44030519800312123Xb") == "a440305********123Xb")
        #expect(maskIDNumbers(in: "pack-440305800312123-x") == "pack-440305*****2123-x", "the old 15-digit format")
    }

    @Test("what is not an ID number is kept: codes, phones, job ids, longer digit runs")
    func kept() {
        for kept in [
            "91440305MA5DPL4W0G", "13823456789", "/jobs/0123456789abcdef0123456789abcdef/page-01.png",
            "ID 440305198003121235999", "x1234567890123456789012y",
        ] {
            #expect(maskIDNumbers(in: kept) == kept)
        }
    }
}
