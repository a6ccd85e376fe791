import Foundation
import Testing

@testable import Rules

@Suite struct Locating {
    @Test func explicitEnvironmentCurrentDirectoryAndExecutable() throws {
        let none = URL(fileURLWithPath: "/")
        #expect(try TemplatesLocator.locate(explicit: templatesDir.path, environment: [:], currentDirectory: none, executable: nil) == templatesDir)
        #expect(
            try TemplatesLocator.locate(environment: ["CERTPACK_TEMPLATES": templatesDir.path], currentDirectory: none, executable: nil)
                == templatesDir)
        #expect(try TemplatesLocator.locate(environment: [:], currentDirectory: repoRoot, executable: nil).path == templatesDir.path)
        let exe = repoRoot.appendingPathComponent(".build/debug/certpack")
        #expect(try TemplatesLocator.locate(environment: [:], currentDirectory: none, executable: exe).path == templatesDir.path)
        #expect(throws: TemplatesLocator.NotFound.self) {
            try TemplatesLocator.locate(explicit: "/nope", environment: [:], currentDirectory: none, executable: nil)
        }
    }
}
