/// Check characters of Chinese identifiers.
public enum CheckDigits {
    /// The 统一社会信用代码 alphabet (GB 32100-2015): digits and capitals without I, O, S, V, Z.
    public static let usccAlphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let usccWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// The check character for the first 17 characters of a 统一社会信用代码, or nil when they are
    /// not 17 characters of the alphabet. Check = alphabet[(31 − Σ value·weight mod 31) mod 31].
    public static func usccCheckCharacter(_ first17: some StringProtocol) -> Character? {
        let chars = Array(first17)
        guard chars.count == 17 else { return nil }
        var sum = 0
        for (i, c) in chars.enumerated() {
            guard let v = usccAlphabet.firstIndex(of: c) else { return nil }
            sum += v * usccWeights[i]
        }
        return usccAlphabet[(31 - sum % 31) % 31]
    }

    /// True for an 18-character 统一社会信用代码 whose check character is right.
    public static func isValidUSCC(_ code: String) -> Bool {
        let chars = Array(code)
        guard chars.count == 18, let check = usccCheckCharacter(String(chars[0..<17])) else { return false }
        return chars[17] == check
    }

    static let idWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let idChecks = Array("10X98765432")

    /// The check digit (GB 11643-1999, ISO 7064 MOD 11-2) for the first 17 digits of a
    /// 居民身份证号码, or nil when they are not 17 ASCII digits.
    public static func residentIDCheckDigit(_ first17: some StringProtocol) -> Character? {
        let chars = Array(first17)
        guard chars.count == 17 else { return nil }
        var sum = 0
        for (i, c) in chars.enumerated() {
            guard c.isASCII, let d = c.wholeNumberValue else { return nil }
            sum += d * idWeights[i]
        }
        return idChecks[sum % 11]
    }

    /// True for an 18-character number whose check digit (uppercase X for 10) is right.
    public static func hasValidResidentIDCheckDigit(_ id: String) -> Bool {
        let chars = Array(id)
        guard chars.count == 18, let check = residentIDCheckDigit(String(chars[0..<17])) else { return false }
        return chars[17] == check
    }

    /// The first two digits of a 居民身份证号码 that are a province-level region (GB/T 2260): 11–15,
    /// 21–23, 31–37, 41–46, 50–54, 61–65, 71, and 81 香港, 82 澳门, 83 台湾 for 港澳台居民居住证.
    public static let provinceCodes: Set<Int> = Set(
        [11, 12, 13, 14, 15, 21, 22, 23] + Array(31...37) + Array(41...46)
            + Array(50...54) + Array(61...65) + [71, 81, 82, 83])

    /// True when an ID number's first two characters are a province's code.
    public static func hasProvinceRegion(_ id: String) -> Bool {
        Int(String(id.prefix(2))).map(provinceCodes.contains) ?? false
    }

    /// The birth date in characters 7–14 of a 居民身份证号码, when it is a real date.
    public static func residentIDBirthDate(_ id: String) -> CivilDate? {
        let chars = Array(id)
        guard chars.count == 18, chars[6..<14].allSatisfy({ $0.isASCII && $0.isNumber }),
            let y = Int(String(chars[6..<10])), let m = Int(String(chars[10..<12])), let d = Int(String(chars[12..<14])),
            y >= 1900
        else { return nil }
        return CivilDate(year: y, month: m, day: d)
    }
}

/// Masks an ID number for console output: the first 6 and the last 4 characters are shown
/// (`440301********1234`). Short values are masked but for their last character.
public func maskID(_ s: String) -> String {
    let chars = Array(s)
    guard chars.count > 10 else {
        return chars.isEmpty ? "" : String(repeating: "*", count: chars.count - 1) + String(chars.last!)
    }
    return String(chars[0..<6]) + String(repeating: "*", count: chars.count - 10) + String(chars[(chars.count - 4)...])
}
