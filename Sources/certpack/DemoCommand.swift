import ArgumentParser

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "(not yet implemented)")
    func run() async throws { throw ValidationError("certpack demo is not implemented yet") }
}
