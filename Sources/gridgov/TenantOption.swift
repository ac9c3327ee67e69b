import ArgumentParser
import Foundation
import GridCore
import GridService
import GridStore
import Logging
import PostgresNIO

/// The district a command works on: `--tenant HD`.
struct TenantOption: ParsableArguments {
    @Option(name: .customLong("tenant"), help: "District (tenant) code, e.g. HD.") var code: String
}
