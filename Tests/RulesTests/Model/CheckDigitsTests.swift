import Testing

@testable import Rules

// RULES.md「统一社会信用代码: 18 characters over the alphabet 0123456789ABCDEFGHJKLMNPQRTUWXY (no I O S V Z);
// check character (GB 32100-2015) = alphabet[(31 − Σ value(cᵢ)·wᵢ mod 31) mod 31]」
@Suite struct USCCCheckCharacter {
    @Test func knownValidSample() {
        #expect(CheckDigits.isValidUSCC("91350100M000100Y43"))
        #expect(Validator.usccProblem("91350100M000100Y43") == nil)
    }
    @Test func examplesAreValid() {
        for code in [
            "91440305MA5DPL4W0G", "91440304MA5EXK7C0C", "91440306MA5F3T9N0T", "91440303MA5GBN2L09",
            "91440307MA5H2RQ806", "91440308MA5J7Q1D09", "91440300MA5G00010T", "91440300MA5FKN123A",
        ] {
            #expect(CheckDigits.isValidUSCC(code), "\(code)")
        }
    }
    /// Σ = 0 → (31 − 0) mod 31 = 0: the outer mod 31 maps 31 to '0'.
    @Test func checkCharacterWrapsToZero() {
        #expect(CheckDigits.usccCheckCharacter("00000000000000000") == "0")
        #expect(CheckDigits.isValidUSCC("000000000000000000"))
    }
    /// Σ = 1 → 30 → 'Y', the last letter of the alphabet.
    @Test func checkCharacterY() {
        #expect(CheckDigits.usccCheckCharacter("10000000000000000") == "Y")
        #expect(CheckDigits.isValidUSCC("10000000000000000Y"))
    }
    @Test func wrongCheckCharacterNamesTheExpectedOne() {
        #expect(!CheckDigits.isValidUSCC("91350100M000100Y44"))
        let m = Validator.usccProblem("91350100M000100Y44")
        #expect(m?.contains("「3」") == true)
    }
    @Test func forbiddenLettersAndLengthsAreRejected() {
        #expect(Validator.usccProblem("91350100M000100I43")?.contains("非法字符") == true)  // I is not in the alphabet
        #expect(Validator.usccProblem("91350100m000100y43")?.contains("非法字符") == true)  // lower case
        #expect(Validator.usccProblem("91350100M000100Y4")?.contains("18位") == true)
        #expect(Validator.usccProblem("")?.contains("不能为空") == true)
        #expect(CheckDigits.usccCheckCharacter("9135010OM000100Y4") == nil)  // letter O
    }
}

// RULES.md「居民身份证号码: 18 characters, check digit (GB 11643-1999, ISO 7064 MOD 11-2) = "10X98765432"[Σ dᵢ·wᵢ mod 11]
// … 11010519491231002X is valid; characters 7–14 are a real birth date」
@Suite struct ResidentIDCheckDigit {
    @Test func knownValidSampleWithX() {
        #expect(CheckDigits.hasValidResidentIDCheckDigit("11010519491231002X"))
        #expect(Validator.idProblem("11010519491231002X", type: .residentID) == nil)
    }
    @Test func handComputedEdges() {
        #expect(CheckDigits.residentIDCheckDigit("00000000000000000") == "1")  // Σ = 0 → '1'
        #expect(CheckDigits.residentIDCheckDigit("00000000000000001") == "X")  // Σ = 2 → 'X'
        #expect(CheckDigits.residentIDCheckDigit("00000000000000010") == "8")  // Σ = 4 → "8"
    }
    @Test func examplesAreValid() {
        for id in [
            "440305198003121235", "440307198506202347", "440304199001013458", "440306197811114561",
            "440305199212255672", "440307198808086783", "440303197505057897", "440308199503158919",
            "440305198307079128", "440306198602280138",
        ] {
            #expect(Validator.idProblem(id, type: .residentID) == nil, "\(id)")
        }
    }
    @Test func wrongCheckDigit() {
        let m = Validator.idProblem("110105194912310021", type: .residentID)
        #expect(m?.contains("校验码错误") == true && m?.contains("「X」") == true)
    }
    @Test func lowerCaseX() {
        #expect(Validator.idProblem("11010519491231002x", type: .residentID)?.contains("大写") == true)
    }
    @Test func birthDateMustBeReal() {
        // 1949-02-30 does not exist.
        #expect(CheckDigits.residentIDBirthDate("110105194902300021") == nil)
        #expect(Validator.idProblem("110105194902300021", type: .residentID)?.contains("出生日期") == true)
        #expect(CheckDigits.residentIDBirthDate("11010519491231002X") == CivilDate(year: 1949, month: 12, day: 31))
    }
    @Test func lengthAndDigits() {
        #expect(Validator.idProblem("4403051980031212", type: .residentID)?.contains("18位") == true)
        #expect(Validator.idProblem("4403051980A3121235", type: .residentID)?.contains("数字") == true)
    }
}

// RULES.md「Other 证件类型 get format checks fitting their kind.」
@Suite struct OtherIDTypes {
    @Test func hongKongMacau() {
        #expect(Validator.idProblem("H12345678", type: .hongKongMacauPermit) == nil)
        #expect(Validator.idProblem("M1234567890", type: .hongKongMacauPermit) == nil)
        #expect(Validator.idProblem("A12345678", type: .hongKongMacauPermit) != nil)
        #expect(Validator.idProblem("H1234", type: .hongKongMacauPermit) != nil)
    }
    @Test func taiwan() {
        #expect(Validator.idProblem("12345678", type: .taiwanPermit) == nil)
        #expect(Validator.idProblem("1234567A", type: .taiwanPermit) != nil)
    }
    @Test func foreignPermanentResident() {
        #expect(Validator.idProblem("USA123456789012", type: .foreignPermanentResident) == nil)
        // 2023 card: 18 characters starting with 9, MOD 11-2 check.
        let first17 = "93305019870101001"
        let valid = first17 + String(CheckDigits.residentIDCheckDigit(first17)!)
        #expect(Validator.idProblem(valid, type: .foreignPermanentResident) == nil)
        #expect(Validator.idProblem(first17 + "Z", type: .foreignPermanentResident) != nil)
    }
    @Test func passport() {
        #expect(Validator.idProblem("E12345678", type: .passport) == nil)
        #expect(Validator.idProblem("e1234", type: .passport) != nil)
        #expect(Validator.idProblem("E 123", type: .passport) != nil)
    }
}

// ARCHITECTURE.md「ID numbers are masked in console output and logs (440301********1234)」
@Test func maskShowsFirstSixAndLastFour() {
    #expect(maskID("440301199001011234") == "440301********1234")
    #expect(maskID("11010519491231002X") == "110105********002X")
    #expect(maskID("H12345678") == "********8")
}

// ISSUE 10「ID region codes whose first two digits are not a province (11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71, 81, 82, 83)」
@Suite struct ProvinceRegions {
    @Test func theProvincesAndOnlyThem() {
        let provinces = (0...99).filter { CheckDigits.hasProvinceRegion(String(format: "%02d0000", $0)) }
        #expect(
            provinces == [
                11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
                50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
            ])
        #expect(!CheckDigits.hasProvinceRegion("") && !CheckDigits.hasProvinceRegion("4"))
    }
}
