import ArgumentParser

struct PreviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "preview", abstract: "(not yet implemented)")
    func run() async throws { throw ValidationError("certpack preview is not implemented yet") }
}
