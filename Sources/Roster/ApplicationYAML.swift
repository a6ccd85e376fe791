import Foundation
import Rules
import Yams

/// An application as the CLI's YAML (Chinese written as Chinese), as the roster keeps it and as
/// `roster renew` writes its 续期申请.yaml.
public enum ApplicationYAML {
    public static func encode(_ application: Application) throws -> String {
        let encoder = YAMLEncoder()
        encoder.options.allowUnicode = true
        encoder.options.sortKeys = false
        return try encoder.encode(application)
    }

    /// A list of applications, with a comment line on top.
    public static func encodeList(_ applications: [Application], comment: String) throws -> String {
        let encoder = YAMLEncoder()
        encoder.options.allowUnicode = true
        return "# \(comment)\n" + (try encoder.encode(applications))
    }
}
