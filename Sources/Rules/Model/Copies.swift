import Foundation

/// The pictures CertPack makes the copy pages from (复印件): the business licence and the ID cards of
/// the legal representative and the handler, front and back. Any subset may be given; a document
/// without a picture stays a photocopy to make, as before.
///
/// Only paths: Rules reads no image. A path is relative to the file it was written in (the applicant
/// file, the batch file) until `resolved(against:)` makes it absolute.
public struct Copies: Codable, Sendable, Equatable {
    /// 单位新版营业执照
    public var businessLicence: CopyImage?
    /// 法定代表人身份证, 正面 and 反面
    public var legalRepresentative: IDCardImages?
    /// 经办人身份证, 正面 and 反面
    public var handler: IDCardImages?

    public init(businessLicence: CopyImage? = nil, legalRepresentative: IDCardImages? = nil, handler: IDCardImages? = nil) {
        self.businessLicence = businessLicence
        self.legalRepresentative = legalRepresentative
        self.handler = handler
    }

    enum CodingKeys: String, CodingKey { case businessLicence, legalRepresentative, handler }
    /// `businessLicense` (the catalog's spelling) is read as `businessLicence`.
    private enum Alias: String, CodingKey { case businessLicense }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let alias = try decoder.container(keyedBy: Alias.self)
        businessLicence =
            try c.decodeIfPresent(CopyImage.self, forKey: .businessLicence)
            ?? alias.decodeIfPresent(CopyImage.self, forKey: .businessLicense)
        legalRepresentative = try c.decodeIfPresent(IDCardImages.self, forKey: .legalRepresentative)
        handler = try c.decodeIfPresent(IDCardImages.self, forKey: .handler)
    }

    /// True when no picture is given.
    public var isEmpty: Bool { businessLicence == nil && legalRepresentative == nil && handler == nil }

    /// The catalog document ids (`businessLicense`, `legalRepID`, `handlerID`) that have pictures.
    public var documentIDs: Set<String> {
        var ids: Set<String> = []
        if businessLicence != nil { ids.insert("businessLicense") }
        if legalRepresentative != nil { ids.insert("legalRepID") }
        if handler != nil { ids.insert("handlerID") }
        return ids
    }

    /// The same pictures with every relative path taken relative to `folder`.
    public func resolved(against folder: URL) -> Copies {
        Copies(
            businessLicence: businessLicence?.resolved(against: folder),
            legalRepresentative: legalRepresentative.map {
                IDCardImages(front: $0.front.resolved(against: folder), back: $0.back.resolved(against: folder))
            },
            handler: handler.map { IDCardImages(front: $0.front.resolved(against: folder), back: $0.back.resolved(against: folder)) })
    }
}

/// The two sides of an ID card (居民身份证: 正面 with the portrait, 反面 with the national emblem).
public struct IDCardImages: Codable, Sendable, Equatable {
    public var front: CopyImage
    public var back: CopyImage
    public init(front: CopyImage, back: CopyImage) {
        self.front = front
        self.back = back
    }
}

/// One picture: a file, and optionally the four corners of the card or document in it.
///
/// Written as a path (`法人-正面.jpg`: the picture is already cropped, as a scanner or a phone's 证件
/// mode gives it) or as `{file: 法人-正面.jpg, corners: [[x, y], …]}`: the corners in image pixels
/// (as the picture is shown, upright), in the order top-left, top-right, bottom-right, bottom-left of
/// the card; the quadrilateral is then warped to the card's rectangle.
public struct CopyImage: Codable, Sendable, Equatable {
    public var file: String
    public var corners: [CopyPoint]?

    public init(file: String, corners: [CopyPoint]? = nil) {
        self.file = file
        self.corners = corners
    }

    enum CodingKeys: String, CodingKey { case file, corners }

    public init(from decoder: any Decoder) throws {
        if let path = try? decoder.singleValueContainer().decode(String.self) {
            file = path
            corners = nil
        } else {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            file = try c.decode(String.self, forKey: .file)
            corners = try c.decodeIfPresent([CopyPoint].self, forKey: .corners)
        }
        guard !file.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "图片文件名为空"))
        }
        if let corners, corners.count != 4 {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath + [CodingKeys.corners],
                    debugDescription: "corners 应为四个角点 [[x, y], …]（左上、右上、右下、左下，单位为图片像素），这里有 \(corners.count) 个"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        if let corners {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(file, forKey: .file)
            try c.encode(corners, forKey: .corners)
        } else {
            var c = encoder.singleValueContainer()
            try c.encode(file)
        }
    }

    /// The path made absolute against `folder` when it is relative.
    public func resolved(against folder: URL) -> CopyImage {
        guard !file.hasPrefix("/") else { return self }
        return CopyImage(file: folder.appendingPathComponent(file).standardizedFileURL.path, corners: corners)
    }
}

/// A point in image pixels, written `[x, y]`.
public struct CopyPoint: Codable, Sendable, Equatable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        x = try c.decode(Double.self)
        y = try c.decode(Double.self)
        guard c.isAtEnd, x.isFinite, y.isFinite, x >= 0, y >= 0 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "角点应写作 [x, y]，两个不小于 0 的数"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(x)
        try c.encode(y)
    }
}
