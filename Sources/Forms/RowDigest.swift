import FileOutput
import Foundation
import Rules

/// The fingerprint of the data a pack was made from, kept beside the pack (`.certpack-row`) so that
/// `batch --resume` can tell a pack made from this very row from one made from other data: SHA-256
/// of the application as canonical JSON (sorted keys). It holds no ID number in the clear.
public enum RowDigest {
    /// The hex SHA-256 of `application`'s canonical JSON.
    /// With pictures for copy pages (`copies`), each picture's size and modification time count too:
    /// a picture replaced under the same name makes the pack again.
    public static func of(_ application: Application) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = Array((try? encoder.encode(application)) ?? Data())
        if let copies = application.copies {
            let files = [
                copies.businessLicence, copies.legalRepresentative?.front, copies.legalRepresentative?.back,
                copies.handler?.front, copies.handler?.back,
            ].compactMap { $0?.file }
            for path in files {
                var st = stat()
                let stamp = stat(path, &st) == 0 ? "\(st.st_size):\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)" : "missing"
                data += Array("\n\(path)=\(stamp)".utf8)
            }
        }
        return SHA256.hex(Data(data))
    }
}
