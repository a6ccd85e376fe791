import ArgumentParser

struct OfficesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "offices", abstract: "(not yet implemented)")
    func run() async throws { throw ValidationError("certpack offices is not implemented yet") }
}
