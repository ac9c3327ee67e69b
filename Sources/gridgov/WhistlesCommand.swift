import ArgumentParser
import Foundation
import GridCore
import GridService
import GridStore

/// `gridgov whistles`: the platform's view of the whistles across districts.
struct WhistlesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whistles", abstract: "The platform's view of whistles across districts.", subcommands: [Joint.self])

    /// `gridgov whistles joint --city 1101`: a city's cross-district joint whistles (跨区联合哨).
    struct Joint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the joint whistles of a city's districts (the first 4 digits of their division codes).",
            discussion: "Example: gridgov whistles joint --city 1101")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "The city: the first 4 digits of its districts' division codes, e.g. 1101.") var city: String

        func run() async throws {
            let city = city
            let joints = try await CLI.withService(connection) { service in try await service.cityJointWhistles(city: city) }
            print(CLI.say("城市 \(city) 的跨区联合哨：\(joints.count) 个", "joint whistles of city \(city): \(joints.count)"))
            let formatter = ISO8601DateFormatter()
            formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
            CLI.printTable(
                [
                    CLI.say("邀请区 受邀区 哨种 对象 时间 答复 邀请方状态 受邀方状态", "HOST GUEST KIND OBJECT SCHEDULED ANSWER HOST-STATE GUEST-STATE").split(separator: " ").map(
                        String.init)
                ]
                    + joints.map { j in
                        [
                            "\(j.hostCode) \(j.hostName)", "\(j.guestCode) \(j.guestName)", j.kindName, j.object ?? "",
                            j.scheduledAt.map(formatter.string) ?? "",
                            j.status, j.hostState, j.guestState ?? "",
                        ]
                    })
        }
    }
}
