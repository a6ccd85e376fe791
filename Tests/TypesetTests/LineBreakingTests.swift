import Testing

@testable import Typeset

/// The clreq sets (W3C clreq, GB/T 15834—2011) as TYPOGRAPHY.md lists them, pinned character by character.
@Suite struct LineBreakSets {
    @Test func stopsClosingMarksConnectorsInterpunctsAndSolidiNeverStartALine() {
        let noStart = LineBreakRules.noStart(.gbStyle)
        for c in "、，。：；！？．,.:;!?”’」』）〕】〗］｝》〉)]}–～~-‐·‧•・/／…⋯\u{3000}".unicodeScalars {
            #expect(noStart.contains(c), "U+\(String(c.value, radix: 16)) \(c) must not start a line")
        }
    }

    @Test func openingMarksAndSolidiNeverEndALine() {
        let noEnd = LineBreakRules.noEnd(.gbStyle)
        for c in "“‘「『（〔【〖［｛《〈([{/／".unicodeScalars {
            #expect(noEnd.contains(c), "\(c) must not end a line")
        }
    }

    @Test func ideographsMayStartAndEndLines() {
        for c in "中国深圳证书办理".unicodeScalars {
            #expect(LineBreakRules.canStartLine(c) && LineBreakRules.canEndLine(c))
        }
    }

    @Test func levelsDifferOnlyAsClreqSays() {
        // basic: the solidus may end or start a line; GB-style forbids both; strict adds dashes.
        #expect(!LineBreakRules.noEnd(.basic).contains("/"))
        #expect(LineBreakRules.noEnd(.gbStyle).contains("/"))
        #expect(!LineBreakRules.noStart(.gbStyle).contains("—"))
        #expect(LineBreakRules.noStart(.strict).contains("—"))
        #expect(LineBreakRules.noStart(.strict).contains("⸺"))
    }
}

@Suite struct BreakOpportunities {
    private func breaks(_ s: String) -> [Int] {
        LineBreakRules.opportunities(Array(s.unicodeScalars)).enumerated().filter(\.element).map(\.offset)
    }

    @Test func ideographsBreakBetweenEachOther() {
        #expect(breaks("深圳证书") == [1, 2, 3])
    }

    @Test func noBreakBeforeAStopOrAfterAnOpeningMark() {
        // 证书，办理《表》: no break before ， (index 2), after 《 (index 5), before 》 (index 7)
        let b = breaks("证书，办理《表》")
        #expect(!b.contains(2) && !b.contains(6) && !b.contains(7))
        #expect(b.contains(3))
    }

    @Test func idNumbersEmailsAndLatinWordsStayWhole() {
        #expect(breaks("440301199001011234").isEmpty)
        #expect(breaks("a.b@c.cn").isEmpty)
        #expect(breaks("ODC").isEmpty)
        // but a break is allowed between a Latin word and an ideograph
        #expect(breaks("ODC证书") == [3, 4])
    }

    @Test func twoEmDashesAndEllipsesAreNeverSplit() {
        #expect(!breaks("止——本").contains(2))
        #expect(!breaks("整……如").contains(2))
    }

    @Test func breaksAfterSpacesNotBeforeThem() {
        #expect(breaks("ODC 2026") == [4])
    }
}

@Suite struct Wrapping {
    static let text =
        "本人张堃（居民身份证：440301199001011234）兹授权深圳市电子商务安全证书管理有限公司为办理、管理数字证书之目的，收集、核验并保存本人的姓名、证件号码、手机号码及人脸识别结果；「特此授权」，联系邮箱a.b@c.cn——如有虚假……愿承担责任。《中华人民共和国个人信息保护法》"

    @Test(arguments: stride(from: 4.0, through: 30.0, by: 1.0).map { $0 })
    func noLineStartsOrEndsWithAProhibitedMark(width: Double) throws {
        let lines = try wrappedLines(Self.text, widthInEms: width)
        #expect(lines.joined() == Self.text, "nothing lost or added")
        for (n, line) in lines.enumerated() {
            if n > 0 { #expect(LineBreakRules.canStartLine(line.unicodeScalars.first!), "line \(n) starts with \(line.first!)") }
            if n < lines.count - 1 { #expect(LineBreakRules.canEndLine(line.unicodeScalars.last!), "line \(n) ends with \(line.last!)") }
        }
    }

    @Test func anIDNumberIsNotSplitWhenTheLineCanHoldIt() throws {
        let lines = try wrappedLines(Self.text, widthInEms: 14)
        #expect(lines.contains { $0.contains("440301199001011234") })
    }

    @Test func aTokenWiderThanTheLineStillBreaksBetweenCharacters() throws {
        let lines = try wrappedLines("440301199001011234", widthInEms: 4)
        #expect(lines.count > 1)
        #expect(lines.joined() == "440301199001011234")
    }
}
