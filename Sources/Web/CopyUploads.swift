import Forms
import Foundation
import Rules

/// The pictures for the copy pages as the 申请 page sends them with a download or a preview: beside
/// the draft, `uploads: {"legalRepresentative.front": {"data": base64, "corners": [x1, y1, … x4, y4]}, …}`.
///
/// The server never follows a path a browser names: only these bytes are used, written into the
/// request's own 0700 job folder under fixed names, and the folder goes when the request is answered.
enum CopyUploads {
    /// The upload slots, as the page names them (and as `copies.<slot>` names the field in a problem).
    static let slots = ["businessLicence", "legalRepresentative.front", "legalRepresentative.back", "handler.front", "handler.back"]
    /// Largest picture accepted (its bytes, after base64).
    static let pictureBytes = 20 * 1_048_576
    /// Largest request body carrying pictures (five phone photos in base64, and the draft).
    static let bodyBytes = 60 * 1_048_576

    /// A picture that cannot be used, named by its field (`copies.legalRepresentative.front`).
    struct Refusal: Error { var problems: [FieldProblem] }

    /// Writes the uploaded pictures into `folder` (created, 0700) and returns the application's
    /// `copies` pointing there, or nil when none was uploaded.
    static func write(_ raw: Any?, into folder: URL) throws -> Copies? {
        guard let raw = raw as? [String: Any], !raw.isEmpty else { return nil }
        var problems: [FieldProblem] = []
        var pictures: [String: CopyImage] = [:]
        for (slot, value) in raw {
            let field = "copies.\(slot)"
            guard slots.contains(slot) else { continue }
            guard let value = value as? [String: Any], let text = value["data"] as? String,
                let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters), !data.isEmpty
            else {
                problems.append(FieldProblem(field: field, message: "图片数据无法读取，请重新选择图片。"))
                continue
            }
            guard data.count <= pictureBytes else {
                problems.append(FieldProblem(field: field, message: "图片太大：最大 \(pictureBytes / 1_048_576) MB。请用手机「压缩」或截图后再上传。"))
                continue
            }
            var corners: [CopyPoint]?
            if let numbers = value["corners"] as? [Any], !numbers.isEmpty {
                let n = numbers.compactMap { ($0 as? NSNumber)?.doubleValue }
                guard n.count == 8, n.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                    problems.append(FieldProblem(field: field, message: "四个角的位置无效，请重新拖动四个角。"))
                    continue
                }
                corners = stride(from: 0, to: 8, by: 2).map { CopyPoint(x: n[$0], y: n[$0 + 1]) }
            }
            if !FileManager.default.fileExists(atPath: folder.path) {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            }
            // A fixed name: nothing of the browser's (file name, path) reaches the disk.
            let file = folder.appendingPathComponent(slot.replacingOccurrences(of: ".", with: "-"))
            try data.write(to: file)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
            pictures[slot] = CopyImage(file: file.path, corners: corners)
        }
        func card(_ who: String) -> IDCardImages? {
            let front = pictures["\(who).front"]
            let back = pictures["\(who).back"]
            if let front, let back { return IDCardImages(front: front, back: back) }
            // a side refused above is named once, as refused
            if front != nil || back != nil, !problems.contains(where: { $0.field.hasPrefix("copies.\(who).") }) {
                let missing = front == nil ? "front" : "back"
                problems.append(
                    FieldProblem(
                        field: "copies.\(who).\(missing)",
                        message: "身份证复印件需要正面和反面两张：请再上传\(missing == "front" ? "正面" : "反面")，或移除已选的一张。"))
            }
            return nil
        }
        let copies = Copies(
            businessLicence: pictures["businessLicence"], legalRepresentative: card("legalRepresentative"),
            handler: card("handler"))
        guard problems.isEmpty else { throw Refusal(problems: problems.sorted { $0.field < $1.field }) }
        return copies.isEmpty ? nil : copies
    }

    /// `copies` standing for the documents whose pictures are chosen on the page (`businessLicence`,
    /// `legalRepresentative`, `handler`), for the checklist only: the files are never read.
    static func chosen(_ documents: [String]) -> Copies? {
        let none = CopyImage(file: "")
        let copies = Copies(
            businessLicence: documents.contains("businessLicence") ? none : nil,
            legalRepresentative: documents.contains("legalRepresentative") ? IDCardImages(front: none, back: none) : nil,
            handler: documents.contains("handler") ? IDCardImages(front: none, back: none) : nil)
        return copies.isEmpty ? nil : copies
    }

    /// The copy page's refusal (HEIC, corrupt, too many pixels) on its upload field, in the page's words.
    static func problem(_ e: CopyPictureError) -> FieldProblem {
        FieldProblem(field: e.field, message: e.refusal.reason)
    }
}
