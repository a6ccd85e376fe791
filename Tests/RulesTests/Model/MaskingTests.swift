import Foundation
import Rules
import Testing

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
}
