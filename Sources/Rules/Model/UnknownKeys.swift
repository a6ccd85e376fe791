/// Unknown keys in an applicant file are refused, as the CSV reader refuses unknown headers: a
/// misspelt key (`holder:` for `holders:`) would otherwise be ignored and the pack made without what
/// the user wrote. The known keys are each model type's own `CodingKeys`: a key added to the model is
/// known everywhere at once.

/// Any key of a mapping, to list them all (a type's own `CodingKeys` drops the ones it does not know).
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Decoder {
    /// Throws `DecodingError.dataCorrupted` at the first key of this mapping that `Keys` does not know,
    /// with the message 「未知字段 holder，是否想写 holders？」. Does nothing when the value is not a mapping
    /// (the type's own decoding then says what is wrong).
    func refuseUnknownKeys<Keys: CodingKey & CaseIterable>(_: Keys.Type) throws {
        guard let c = try? container(keyedBy: AnyCodingKey.self) else { return }
        let known = Keys.allCases.map(\.stringValue)
        for key in c.allKeys where Keys(stringValue: key.stringValue) == nil {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: codingPath + [key],
                    debugDescription: UnknownKey.message(key.stringValue, known: known)))
        }
    }
}

public enum UnknownKey {
    /// 「未知字段 holder，是否想写 holders？」, or the list of known keys when none is near.
    public static func message(_ key: String, known: [String]) -> String {
        let shown = Normaliser.shown(key, limit: 30)
        if let near = nearest(key, in: known) { return "未知字段 \(shown)，是否想写 \(near)？" }
        return "未知字段 \(shown)（此处可用的字段：\(known.joined(separator: "、"))）"
    }

    /// The known key nearest to `key` (edit distance, case ignored), when it is near enough to be a slip.
    public static func nearest(_ key: String, in known: [String]) -> String? {
        let k = key.lowercased()
        let scored = known.map { ($0, distance(k, $0.lowercased())) }.min { $0.1 < $1.1 }
        guard let (best, d) = scored else { return nil }
        let limit = max(2, min(k.count, best.count) / 3)
        return d <= limit || best.lowercased().hasPrefix(k) || k.hasPrefix(best.lowercased()) ? best : nil
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a)
        let y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var row = Array(0...y.count)
        for i in 1...x.count {
            var prev = row[0]
            row[0] = i
            for j in 1...y.count {
                let cur = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (x[i - 1] == y[j - 1] ? 0 : 1))
                prev = cur
            }
        }
        return row[y.count]
    }
}
